import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../net/private-address.js';
import { join, relative, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oortError } from '../errors.js';

export interface FetchOptions {
  dataDir: string;
  /** Let `file://` read outside `<dataDir>/uploads`. */
  allowExternalFileAccess: boolean;
  /** Let http(s) reach loopback and private addresses. */
  enablePrivateNet: boolean;
  /** The REST API listens on loopback only: then only local users can make us fetch, so private addresses are fine. */
  restListensOnLoopbackOnly: boolean;
  maxDownloadBytes: number;
  downloadTimeoutMs: number;
  /** Folder for downloads in progress (default `<dataDir>/plugins`). */
  tmpDir?: string;
}

/** A local copy of the archive; `cleanup` removes it when it was a download. */
export interface FetchedArchive {
  path: string;
  sha256: string;
  size: number;
  cleanup(): Promise<void>;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 3;

/**
 * Gets the plugin zip named by `url` (`file://`, `http://`, `https://`) and verifies its
 * sha256 when one is given. Every failure is an OortError: PLUGIN_DOWNLOAD for transport
 * problems, PLUGIN_ARCHIVE for a wrong checksum, BAD_REQUEST for a URL we refuse.
 */
export async function fetchArchive(url: string, sha256: string | undefined, opts: FetchOptions): Promise<FetchedArchive> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw oortError('BAD_REQUEST', `invalid plugin file URL ${JSON.stringify(url)}`);
  }
  if (!u.pathname.toLowerCase().endsWith('.zip')) {
    throw oortError('BAD_REQUEST', `invalid plugin file URL ${url}: it must name a .zip file`);
  }
  const wanted = sha256?.trim().toLowerCase();
  if (wanted !== undefined && wanted !== '' && !/^[0-9a-f]{64}$/.test(wanted)) {
    throw oortError('BAD_REQUEST', `sha256 must be 64 hex digits, got ${JSON.stringify(sha256)}`);
  }
  let got: FetchedArchive;
  if (u.protocol === 'file:') got = await fromFile(u, opts);
  else if (u.protocol === 'http:' || u.protocol === 'https:') got = await download(u, opts);
  else throw oortError('BAD_REQUEST', `unsupported plugin file URL scheme ${u.protocol} (use file://, http:// or https://)`);
  if (wanted && wanted !== got.sha256) {
    await got.cleanup();
    throw oortError('PLUGIN_ARCHIVE', `sha256 mismatch for ${redact(u)}: expected ${wanted}, got ${got.sha256}`);
  }
  return got;
}

async function fromFile(u: URL, opts: FetchOptions): Promise<FetchedArchive> {
  let path: string;
  try {
    path = fileURLToPath(u);
  } catch (err) {
    throw oortError('BAD_REQUEST', `invalid file URL ${u.href}: ${(err as Error).message}`);
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw oortError('PLUGIN_DOWNLOAD', `cannot read ${path}: no such file`);
  }
  if (!opts.allowExternalFileAccess) {
    const uploads = await realpath(join(opts.dataDir, 'uploads')).catch(() => resolve(opts.dataDir, 'uploads'));
    const rel = relative(uploads, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw oortError(
        'BAD_REQUEST',
        `file ${path} is outside ${uploads}: upload it first or set basic.allowExternalFileAccess`,
      );
    }
  }
  const st = await stat(real);
  if (!st.isFile()) throw oortError('PLUGIN_DOWNLOAD', `${path} is not a file`);
  if (st.size > opts.maxDownloadBytes) {
    throw oortError('PLUGIN_DOWNLOAD', `${path} is ${st.size} bytes, over the limit of ${opts.maxDownloadBytes}`);
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
  return { path: real, sha256: hash.digest('hex'), size: st.size, cleanup: async () => {} };
}

async function download(u: URL, opts: FetchOptions): Promise<FetchedArchive> {
  const tmpDir = opts.tmpDir ?? join(opts.dataDir, 'plugins');
  await mkdir(tmpDir, { recursive: true });
  const path = join(tmpDir, `.tmp-${randomBytes(6).toString('hex')}.zip`);
  const cleanup = () => rm(path, { force: true });
  const allowPrivate = opts.enablePrivateNet || opts.restListensOnLoopbackOnly;
  const deadline = Date.now() + opts.downloadTimeoutMs;
  try {
    let current = u;
    for (let hop = 0; ; hop++) {
      const res = await request(current, allowPrivate, deadline, opts);
      if (res.redirect) {
        if (hop >= MAX_REDIRECTS) throw oortError('PLUGIN_DOWNLOAD', `too many redirects fetching ${redact(u)}`);
        current = new URL(res.redirect, current);
        if (current.protocol !== 'http:' && current.protocol !== 'https:') {
          throw oortError('PLUGIN_DOWNLOAD', `refused redirect to ${current.protocol} URL`);
        }
        continue;
      }
      const { sha256, size } = await save(res.response!, path, deadline, opts, current);
      return { path, sha256, size, cleanup };
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}

interface RequestResult {
  response?: http.IncomingMessage;
  redirect?: string;
}

function request(u: URL, allowPrivate: boolean, deadline: number, opts: FetchOptions): Promise<RequestResult> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.reject(privateRefused(u, host));
  }
  return new Promise((resolvePromise, reject) => {
    const lib = u.protocol === 'https:' ? https : http;
    const timer = setTimeout(() => req.destroy(timeoutError(u, opts)), Math.max(0, deadline - Date.now()));
    const req = lib.get(
      u,
      {
        // Check the address the socket really connects to, so DNS cannot point us inside.
        lookup: (hostname: string, options: object, cb: (...a: any[]) => void) => {
          dnsLookup(hostname, { ...(options as object), all: true }, (err, addrs: LookupAddress[]) => {
            if (err) return cb(err);
            const bad = allowPrivate ? undefined : addrs.find((a) => isPrivateAddress(a.address));
            if (bad) return cb(privateRefused(u, bad.address));
            if ((options as { all?: boolean }).all) cb(null, addrs);
            else cb(null, addrs[0]!.address, addrs[0]!.family);
          });
        },
      } as http.RequestOptions,
      (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolvePromise({ redirect: res.headers.location });
        } else if (status !== 200) {
          res.resume();
          reject(oortError('PLUGIN_DOWNLOAD', `downloading ${redact(u)} failed: HTTP ${status}`));
        } else resolvePromise({ response: res });
      },
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof Error && 'errorName' in err ? err : oortError('PLUGIN_DOWNLOAD', `downloading ${redact(u)} failed: ${err.message}`, err));
    });
  });
}

function save(res: http.IncomingMessage, path: string, deadline: number, opts: FetchOptions, u: URL): Promise<{ sha256: string; size: number }> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxDownloadBytes) {
      res.destroy();
      return reject(tooLarge(u, opts));
    }
    const hash = createHash('sha256');
    const out = createWriteStream(path);
    let size = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      res.destroy();
      out.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(timeoutError(u, opts)), Math.max(0, deadline - Date.now()));
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxDownloadBytes) return fail(tooLarge(u, opts));
      hash.update(chunk);
      if (!out.write(chunk)) {
        res.pause();
        out.once('drain', () => res.resume());
      }
    });
    res.on('error', (err) => fail(oortError('PLUGIN_DOWNLOAD', `downloading ${redact(u)} failed: ${err.message}`, err)));
    res.on('aborted', () => fail(oortError('PLUGIN_DOWNLOAD', `downloading ${redact(u)} failed: connection closed early`)));
    res.on('end', () => {
      if (failed) return;
      clearTimeout(timer);
      out.end(() => resolvePromise({ sha256: hash.digest('hex'), size }));
    });
    out.on('error', (err) => fail(oortError('PLUGIN_DOWNLOAD', `cannot write ${path}: ${err.message}`, err)));
  });
}

const tooLarge = (u: URL, opts: FetchOptions) =>
  oortError('PLUGIN_DOWNLOAD', `${redact(u)} is larger than the limit of ${opts.maxDownloadBytes} bytes (plugins.maxDownloadBytes)`);
const timeoutError = (u: URL, opts: FetchOptions) =>
  oortError('PLUGIN_DOWNLOAD', `downloading ${redact(u)} took longer than ${opts.downloadTimeoutMs} ms (plugins.downloadTimeout)`);
const privateRefused = (u: URL, addr: string) =>
  oortError(
    'PLUGIN_DOWNLOAD',
    `refused to download ${redact(u)} from private address ${addr}: set basic.enablePrivateNet to allow it`,
  );

/** URL without credentials, for messages. */
function redact(u: URL): string {
  if (!u.username && !u.password) return u.href;
  const c = new URL(u.href);
  c.username = '';
  c.password = '';
  return c.href;
}

export { isPrivateAddress };
