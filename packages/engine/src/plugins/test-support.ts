/**
 * Helpers for the plugin tests: build plugin zips with yazl, serve them over HTTP on an
 * ephemeral port, make temp data folders. Not a test file; imported by the tests only.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger, StreamContext } from '@oort/sdk';
import yazl from 'yazl';

export interface ZipEntry {
  name: string;
  content: string | Buffer;
  mode?: number;
}

/** Zips entries into a Buffer. */
export function zipBuffer(entries: ZipEntry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const e of entries) z.addBuffer(Buffer.from(e.content), e.name, e.mode === undefined ? {} : { mode: e.mode });
    z.end();
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

/** Replaces every occurrence of an entry name (same length) in a zip: how we forge evil names yazl refuses to write. */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  let i = out.indexOf(a);
  while (i >= 0) {
    b.copy(out, i);
    i = out.indexOf(a, i + 1);
  }
  return out;
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export interface TempData {
  dir: string;
  cleanup(): void;
}

export function tempData(): TempData {
  const dir = mkdtempSync(join(tmpdir(), 'oort-plugins-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export interface FileServer {
  url(name: string): string;
  put(name: string, body: Buffer): void;
  close(): Promise<void>;
  /** Requests seen, by path. */
  hits: string[];
}

/** Serves buffers by name; `/slow/...` never answers, for timeout tests. */
export async function serveFiles(): Promise<FileServer> {
  const files = new Map<string, Buffer>();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    hits.push(path);
    if (path.startsWith('slow/')) return; // hang
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    put: (name, body) => void files.set(name, body),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
    hits,
  };
}

export interface CapturedLogger extends Logger {
  lines: string[];
}

export function quietLogger(): CapturedLogger {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Polls until `fn` returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Source of a sink plugin module (plain ESM, no imports) that appends each collected
 * row, tagged with `version`, to `out` (a JSON-lines file). Special rows steer it:
 * `{throw: true}` makes collect throw; `{crash: true}` throws from a timer (kills a
 * worker); `{exit: true}` exits the thread or process; `{hang: true}` blocks forever.
 */
export function sinkModule(symbol: string, version: string, out: string): string {
  return `
import { appendFileSync } from 'node:fs';
class S {
  kind = 'tuple';
  provision(ctx, props) { this.props = props; }
  connect(ctx, status) { status('connected'); }
  async collect(ctx, item) {
    for (const r of item.rows ?? []) {
      if (r.throw) { const e = new Error('boom on purpose'); throw e; }
      if (r.retry) { const e = new Error('try later'); e.retryable = true; throw e; }
      if (r.crash) { setTimeout(() => { throw new Error('async crash'); }, 0); return; }
      if (r.exit) { process.exit(3); }
      if (r.hang) { for (;;) {} }
      appendFileSync(${JSON.stringify(out)}, JSON.stringify({ v: ${JSON.stringify(version)}, ...r, big: typeof r.big }) + '\\n');
    }
  }
  close() {}
}
export default { sinks: { ${symbol}: { create: () => new S(), schema: { url: { type: 'string' } } } } };
`;
}

/** A plugin zip: manifest + main module (+ extra entries). */
export function pluginZip(
  name: string,
  manifest: Record<string, unknown>,
  main: string,
  extra: ZipEntry[] = [],
): Promise<Buffer> {
  const mainName = (manifest.main as string | undefined) ?? `${name}.js`;
  return zipBuffer([{ name: `${name}.json`, content: JSON.stringify({ name, ...manifest }) }, { name: mainName, content: main }, ...extra]);
}

/** A StreamContext for driving plugins by hand in tests. */
export function ctx(ruleId = 'r1'): StreamContext {
  const state = new Map<string, unknown>();
  return {
    ruleId,
    opId: 'op_1',
    instanceId: 0,
    logger: quietLogger(),
    clock: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => {
        const t = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(t) };
      },
      setInterval: (fn, ms) => {
        const t = setInterval(fn, ms);
        return { cancel: () => clearInterval(t) };
      },
    },
    state: { get: (k) => state.get(k) as never, put: (k, v) => void state.set(k, v), delete: (k) => void state.delete(k) },
    signal: new AbortController().signal,
  };
}
