import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ConfigError, IOError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext, type TimerHandle } from '@oort/sdk';

export const fileSinkSchema: ConfigSchema = {
  path: { type: 'string', required: true, description: 'file to write; may be a {{...}} template' },
  fileType: { type: 'string', default: 'lines', enum: ['lines', 'json', 'csv'] },
  hasHeader: { type: 'boolean', default: false, description: 'csv: write the header line once per file' },
  delimiter: { type: 'string', default: ',' },
  format: { type: 'string', default: 'json' },
  rollingCount: { type: 'integer', default: 1000000, minimum: 0, description: 'messages per file before starting a new one (0: no limit)' },
  rollingInterval: { type: 'duration', default: 0, description: 'start a new file when the current one is this old (checked on write)' },
  rollingNamePattern: { type: 'string', default: 'none', enum: ['prefix', 'suffix', 'none'], description: 'where the creation time (ms) goes in rolled file names' },
};

interface OpenFile {
  stream: WriteStream;
  first: boolean;
  count: number;
  openedAt: number;
  error?: Error;
  /** Encoded lines not yet handed to the stream (see {@link FLUSH_BYTES}). */
  pending: Buffer[];
  pendingBytes: number;
}

/**
 * Lines are gathered and written in chunks of about this size (one `fs.write` per line was
 * half of the CPU of an MQTT-to-file rule), and at the latest {@link FLUSH_MS} after the first
 * line of a chunk, and on roll and close.
 */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 20;
const NL = Buffer.from('\n');
const COMMA = Buffer.from(',');

/** `dir/name.ext` with the time as `ts-name.ext` (prefix) or `name-ts.ext` (suffix). */
function rolledName(path: string, pattern: string, ts: number | string): string {
  if (pattern === 'none') return path;
  const ext = extname(path);
  const base = basename(path, ext);
  return join(dirname(path), pattern === 'prefix' ? `${ts}-${base}${ext}` : `${base}-${ts}${ext}`);
}

/**
 * Appends encoded results to a file: one per line (`lines`), as elements of a JSON array that
 * is valid once closed (`json`, the file is rewritten), or CSV lines (`csv`, needs
 * `format: delimited`). A templated `path` fans out to several files.
 */
export class FileSink implements Sink {
  readonly kind = 'bytes';
  private path = '';
  private fileType = 'lines';
  private hasHeader = false;
  private files = new Map<string, OpenFile>();
  private rollingCount = 0;
  private rollingInterval = 0;
  private rollingNamePattern = 'none';
  /** Rolled files still being flushed; close waits for them. */
  private finishing = new Set<Promise<void>>();
  /** Names already used by rolled files, so two rolls within one millisecond do not collide. */
  private usedNames = new Set<string>();
  private flushTimer?: TimerHandle;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(fileSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.path = p.path as string;
    this.fileType = p.fileType as string;
    this.hasHeader = p.hasHeader as boolean;
    this.rollingCount = p.rollingCount as number;
    this.rollingInterval = p.rollingInterval as number;
    this.rollingNamePattern = p.rollingNamePattern as string;
    if (this.fileType === 'csv' && String(p.format).toLowerCase() !== 'delimited') {
      throw new ConfigError('file sink with fileType csv requires format delimited');
    }
  }

  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }

  private open(path: string, now: number): OpenFile {
    let f = this.files.get(path);
    if (f) {
      const full = this.rollingCount > 0 && f.count >= this.rollingCount;
      const old = this.rollingInterval > 0 && now - f.openedAt >= this.rollingInterval;
      if (!full && !old) return f;
      this.files.delete(path);
      const done = this.finish(f).finally(() => this.finishing.delete(done));
      this.finishing.add(done);
    }
    let actual = rolledName(path, this.rollingNamePattern, now);
    for (let k = 1; this.rollingNamePattern !== 'none' && this.usedNames.has(actual); k++) actual = rolledName(path, this.rollingNamePattern, `${now}_${k}`);
    this.usedNames.add(actual);
    mkdirSync(dirname(actual), { recursive: true });
    const existed = existsSync(actual);
    const stream = createWriteStream(actual, { flags: this.fileType === 'json' ? 'w' : 'a' });
    f = { stream, first: this.fileType === 'json' || !existed, count: 0, openedAt: now, pending: [], pendingBytes: 0 };
    const file = f;
    stream.on('error', (e) => (file.error = e));
    if (this.fileType === 'json') stream.write('[');
    this.files.set(path, f);
    return f;
  }

  async collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    const path = typeof item.props.path === 'string' ? item.props.path : this.path;
    const f = this.open(path, ctx.clock.now());
    f.count++;
    if (f.error) throw new IOError(`file sink cannot write ${path}: ${f.error.message}`);
    const p = item.payload;
    let data = p ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : Buffer.alloc(0);
    if (this.fileType === 'json') {
      if (!f.first) this.add(f, COMMA);
    } else if (this.fileType === 'csv' && this.hasHeader && !f.first) {
      // the delimited encoder writes its header on every payload: keep it only at the top of the file
      const nl = data.indexOf(10);
      data = nl >= 0 ? data.subarray(nl + 1) : Buffer.alloc(0);
      if (!data.length) return;
    }
    f.first = false;
    this.add(f, data);
    if (this.fileType !== 'json') this.add(f, NL);
    if (f.pendingBytes >= FLUSH_BYTES) {
      if (!this.flush(f)) await new Promise<void>((r) => f.stream.once('drain', r));
    } else if (!this.flushTimer) {
      this.flushTimer = ctx.clock.setTimeout(() => this.flushAll(), FLUSH_MS);
    }
  }

  private add(f: OpenFile, b: Buffer): void {
    f.pending.push(b);
    f.pendingBytes += b.length;
  }

  /** Hands the gathered lines to the stream; false when it asks to wait for `drain`. */
  private flush(f: OpenFile): boolean {
    if (!f.pending.length) return true;
    const chunk = f.pending.length === 1 ? f.pending[0]! : Buffer.concat(f.pending, f.pendingBytes);
    f.pending = [];
    f.pendingBytes = 0;
    return f.stream.write(chunk);
  }

  private flushAll(): void {
    this.flushTimer = undefined;
    for (const f of this.files.values()) this.flush(f);
  }

  async close(_ctx?: StreamContext): Promise<void> {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all([...files.map((f) => this.finish(f)), ...this.finishing]);
  }

  private finish(f: OpenFile): Promise<void> {
    this.flush(f);
    return new Promise<void>((resolve) => {
      if (this.fileType === 'json') f.stream.write(']');
      f.stream.end(() => resolve());
      f.stream.once('error', () => resolve());
    });
  }
}
