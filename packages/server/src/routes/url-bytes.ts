import { lookup } from 'node:dns/promises';
import { readFile, realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OortError, parseDuration, type OortConfig } from '@oort/engine';
import { isPrivateAddress } from '../file-url.js';

/**
 * The bytes behind a `file` field (uploads and schemas may be binary, which the text reader
 * in file-url.ts would mangle). Same rules: `file://` jailed to `<dataDir>/uploads` unless
 * `basic.allowExternalFileAccess`; http(s) refused for private hosts unless
 * `basic.enablePrivateNet`; at most `plugins.maxDownloadBytes` within `plugins.downloadTimeout`.
 */
export async function readUrlBytes(url: string, config: OortConfig): Promise<Buffer> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OortError('BAD_REQUEST', `invalid file URL ${url}`);
  }
  if (u.protocol === 'file:') return readLocal(u, config);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new OortError('BAD_REQUEST', `unsupported URL scheme ${u.protocol} in ${url}: use file://, http:// or https://`);
  }
  if (!config.basic.enablePrivateNet) await refusePrivate(u.hostname);
  const limit = config.plugins.maxDownloadBytes;
  let res: Response;
  try {
    res = await fetch(u, { signal: AbortSignal.timeout(parseDuration(config.plugins.downloadTimeout)), redirect: 'error' });
  } catch (err) {
    throw new OortError('IO', `cannot download ${u.href}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new OortError('IO', `cannot download ${u.href}: HTTP ${res.status}`);
  if (Number(res.headers.get('content-length') ?? '0') > limit) {
    throw new OortError('PAYLOAD_TOO_LARGE', `${u.href} is larger than ${limit} bytes`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > limit) throw new OortError('PAYLOAD_TOO_LARGE', `${u.href} is larger than ${limit} bytes`);
  return buf;
}

async function readLocal(u: URL, config: OortConfig): Promise<Buffer> {
  const path = fileURLToPath(u);
  const real = await realpath(path).catch(() => {
    throw new OortError('IO', `file ${path} does not exist`);
  });
  if (!config.basic.allowExternalFileAccess) {
    const uploads = await realpath(join(config.dataDir, 'uploads')).catch(() => join(config.dataDir, 'uploads'));
    if (!real.startsWith(uploads + sep)) {
      throw new OortError('BAD_REQUEST', `file ${path} is outside ${uploads}; set basic.allowExternalFileAccess to read other files`);
    }
  }
  try {
    return await readFile(real);
  } catch (err) {
    throw new OortError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function refusePrivate(host: string): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addrs = isIP(bare) ? [bare] : (await lookup(bare, { all: true }).catch(() => [])).map((a) => a.address);
  if (addrs.length === 0) throw new OortError('IO', `cannot resolve ${host}`);
  const bad = addrs.find(isPrivateAddress);
  if (bad !== undefined) {
    throw new OortError('BAD_REQUEST', `refusing to download from private address ${bad}; set basic.enablePrivateNet to allow it`);
  }
}
