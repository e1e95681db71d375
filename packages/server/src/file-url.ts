import { lookup } from 'node:dns/promises';
import { readFile, realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OortError, parseDuration, type OortConfig } from '@oort/engine';

/**
 * Reads the text behind a `file` field of a REST body (eKuiper's httpx.ReadFile):
 * `file://` paths, jailed to `<dataDir>/uploads` unless `basic.allowExternalFileAccess`;
 * `http(s)://` URLs, refused for loopback/private/link-local hosts unless
 * `basic.enablePrivateNet`, capped at `basic.maxRequestBodyBytes` and `plugins.downloadTimeout`.
 */
export async function readFileUrl(url: string, config: OortConfig): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OortError('BAD_REQUEST', `invalid file URL ${url}`);
  }
  if (parsed.protocol === 'file:') return readLocal(parsed, config);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return download(parsed, config);
  throw new OortError('BAD_REQUEST', `unsupported URL scheme ${parsed.protocol} in ${url}: use file://, http:// or https://`);
}

async function readLocal(url: URL, config: OortConfig): Promise<string> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (err) {
    throw new OortError('BAD_REQUEST', `invalid file URL ${url.href}: ${(err as Error).message}`);
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new OortError('IO', `file ${path} does not exist`);
  }
  if (!config.basic.allowExternalFileAccess) {
    const uploads = await realpath(join(config.dataDir, 'uploads')).catch(() => join(config.dataDir, 'uploads'));
    if (!real.startsWith(uploads + sep)) {
      throw new OortError(
        'BAD_REQUEST',
        `file ${path} is outside ${uploads}; set basic.allowExternalFileAccess to read other files`,
      );
    }
  }
  try {
    return await readFile(real, 'utf8');
  } catch (err) {
    throw new OortError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function download(url: URL, config: OortConfig): Promise<string> {
  if (!config.basic.enablePrivateNet) await refusePrivateHost(url.hostname);
  const limit = config.basic.maxRequestBodyBytes;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(parseDuration(config.plugins.downloadTimeout)), redirect: 'error' });
  } catch (err) {
    throw new OortError('IO', `cannot download ${url.href}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new OortError('IO', `cannot download ${url.href}: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > limit) throw new OortError('PAYLOAD_TOO_LARGE', `${url.href} is larger than ${limit} bytes`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > limit) throw new OortError('PAYLOAD_TOO_LARGE', `${url.href} is larger than ${limit} bytes`);
  return buf.toString('utf8');
}

async function refusePrivateHost(host: string): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addrs = isIP(bare) ? [bare] : (await lookup(bare, { all: true }).catch(() => [])).map((a) => a.address);
  if (addrs.length === 0) throw new OortError('IO', `cannot resolve ${host}`);
  for (const a of addrs) {
    if (isPrivateAddress(a)) {
      throw new OortError('BAD_REQUEST', `refusing to download from private address ${a}; set basic.enablePrivateNet to allow it`);
    }
  }
}

/** Loopback, private, link-local, unspecified and unique-local addresses. */
export function isPrivateAddress(addr: string): boolean {
  const a = addr.toLowerCase();
  if (a.startsWith('::ffff:')) return isPrivateAddress(a.slice(7));
  if (isIP(a) === 4) {
    const [x, y] = a.split('.').map(Number) as [number, number];
    return x === 10 || x === 127 || x === 0 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) ||
      (x === 169 && y === 254) || (x === 100 && y >= 64 && y <= 127);
  }
  return a === '::1' || a === '::' || a.startsWith('fe80:') || a.startsWith('fc') || a.startsWith('fd');
}
