import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { OortError, parseDuration, type OortConfig } from '@oort/engine';
import { checkUrl, guardedLookup, urlPolicyFromConfig } from './security/url-policy.js';

/**
 * The bytes behind a `file` field of a REST body (eKuiper's httpx.ReadFile), under the URL
 * policy of security/url-policy.ts: `file://` only inside `<dataDir>/uploads` unless
 * `basic.allowExternalFileAccess`; http(s) to loopback and private addresses only while the
 * API listens on loopback or with `basic.enablePrivateNet` (checked again when connecting);
 * at most `plugins.maxDownloadBytes` within `plugins.downloadTimeout`.
 */
export async function readUrlBytes(url: string, config: OortConfig): Promise<Buffer> {
  const policy = urlPolicyFromConfig(config);
  const u = await checkUrl(url, policy);
  if (u.protocol === 'file:') {
    const path = fileURLToPath(u);
    try {
      return await readFile(path);
    } catch (err) {
      throw new OortError('IO', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return download(u, config.plugins.maxDownloadBytes, parseDuration(config.plugins.downloadTimeout), policy.allowPrivateNet);
}

/** The same as text. */
export async function readFileUrl(url: string, config: OortConfig): Promise<string> {
  return (await readUrlBytes(url, config)).toString('utf8');
}

function download(u: URL, limit: number, timeoutMs: number, allowPrivateNet: boolean): Promise<Buffer> {
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(err instanceof OortError ? err : new OortError('IO', `cannot download ${u.href}: ${(err as Error).message}`, { cause: err }));
    const req = request(u, { lookup: guardedLookup(allowPrivateNet) as never, timeout: timeoutMs }, (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        return fail(new Error(`HTTP ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          req.destroy();
          fail(new OortError('PAYLOAD_TOO_LARGE', `${u.href} is larger than ${limit} bytes`));
        } else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end();
  });
}
