import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OortError, isPrivateAddress, type OortConfig } from '@oort/engine';

/**
 * Which URLs the server may read when a REST body names one (plugin and schema archives,
 * ruleset and data imports). The engine's plugin fetcher (engine/src/plugins/fetch-archive.ts)
 * applies the same rules to plugin downloads; this is the server-side twin for the rest.
 */
export interface UrlPolicy {
  /** `<dataDir>/uploads`: the only folder `file://` may read unless `allowExternalFileAccess`. */
  uploadsDir: string;
  allowExternalFileAccess: boolean;
  /**
   * Whether http(s) may reach loopback, private, link-local and CGNAT addresses: true with
   * `basic.enablePrivateNet`, or while the REST API listens on loopback only (then only local
   * users can make the server fetch, and the tutorial's local HTTP server works out of the box).
   */
  allowPrivateNet: boolean;
}

/** True for `127.0.0.0/8`, `::1`, `localhost` (the REST API's `basic.restIp`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = /^(?:::ffff:)?(\d+)\.\d+\.\d+\.\d+$/.exec(h);
  return v4 !== null && isIP(h.replace(/^::ffff:/, '')) === 4 && v4[1] === '127';
}

export function urlPolicyFromConfig(config: OortConfig): UrlPolicy {
  return {
    uploadsDir: resolve(config.dataDir, 'uploads'),
    allowExternalFileAccess: config.basic.allowExternalFileAccess,
    allowPrivateNet: config.basic.enablePrivateNet || isLoopbackHost(config.basic.restIp),
  };
}

/**
 * Checks `raw` against the policy before anything is read, and returns the parsed URL.
 * `file://` paths are resolved (symlinks included) and must lie inside the uploads folder;
 * http(s) hosts are resolved and every address must be public unless private ones are
 * allowed. Throws a coded 400 (BAD_REQUEST) saying which setting would allow the URL.
 *
 * A pre-check cannot stop DNS rebinding between the check and the connection: downloads
 * should also pass {@link guardedLookup} as the request's `lookup`, as the plugin fetcher does.
 */
export async function checkUrl(raw: string, policy: UrlPolicy, schemes: readonly string[] = ['file:', 'http:', 'https:']): Promise<URL> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new OortError('BAD_REQUEST', `invalid URL ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (!schemes.includes(u.protocol)) throw new OortError('BAD_REQUEST', `unsupported URL scheme ${u.protocol} (use ${schemes.join(' ')})`);
  if (u.protocol === 'file:') {
    await checkFile(u, policy);
    return u;
  }
  if (!policy.allowPrivateNet) {
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const addrs = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (!addrs.length) throw new OortError('BAD_REQUEST', `cannot resolve ${host}`);
    const bad = addrs.find(isPrivateAddress);
    if (bad !== undefined) throw refused(u, bad);
  }
  return u;
}

async function checkFile(u: URL, policy: UrlPolicy): Promise<void> {
  if (u.hostname !== '' && u.hostname !== 'localhost') throw new OortError('BAD_REQUEST', `file URL ${u.href} names a remote host`);
  let path: string;
  try {
    path = fileURLToPath(u);
  } catch (err) {
    throw new OortError('BAD_REQUEST', `invalid file URL ${u.href}: ${(err as Error).message}`);
  }
  if (policy.allowExternalFileAccess) return;
  // resolve symlinks on both sides: a link inside uploads must not lead outside
  const real = await realpath(path).catch(() => resolve(path));
  const uploads = await realpath(policy.uploadsDir).catch(() => policy.uploadsDir);
  const rel = relative(uploads, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new OortError('BAD_REQUEST', `file ${path} is outside ${join(uploads, '')}: upload it first or set basic.allowExternalFileAccess`);
  }
}

/**
 * A `lookup` for http.request that refuses private addresses at connection time, so a name
 * that resolved to a public address during {@link checkUrl} cannot switch to a private one.
 */
export function guardedLookup(allowPrivateNet: boolean) {
  return (hostname: string, options: object, cb: (...a: any[]) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs: LookupAddress[]) => {
      if (err) return cb(err);
      const bad = allowPrivateNet ? undefined : addrs.find((a) => isPrivateAddress(a.address));
      if (bad) return cb(new OortError('BAD_REQUEST', `refused to connect to private address ${bad.address} (${hostname}): set basic.enablePrivateNet to allow it`));
      if ((options as { all?: boolean }).all) cb(null, addrs);
      else cb(null, addrs[0]!.address, addrs[0]!.family);
    });
  };
}

function refused(u: URL, addr: string): OortError {
  return new OortError('BAD_REQUEST', `refused to fetch ${u.protocol}//${u.host}${u.pathname} from private address ${addr}: set basic.enablePrivateNet to allow it`);
}
