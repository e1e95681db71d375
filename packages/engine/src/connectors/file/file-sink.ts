import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ConfigError, IOError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';

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
}

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
    f = { stream, first: this.fileType === 'json' || !existed, count: 0, openedAt: now };
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
    let data = Buffer.from(item.payload ?? new Uint8Array());
    let prefix = '';
    if (this.fileType === 'json') prefix = f.first ? '' : ',';
    else if (this.fileType === 'csv' && this.hasHeader && !f.first) {
      // the delimited encoder writes its header on every payload: keep it only at the top of the file
      const nl = data.indexOf(10);
      data = nl >= 0 ? data.subarray(nl + 1) : Buffer.alloc(0);
      if (!data.length) return;
    }
    f.first = false;
    const chunk = this.fileType === 'json' ? Buffer.concat([Buffer.from(prefix), data]) : Buffer.concat([data, Buffer.from('\n')]);
    if (!f.stream.write(chunk)) await new Promise<void>((r) => f.stream.once('drain', r));
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all([...files.map((f) => this.finish(f)), ...this.finishing]);
  }

  private finish(f: OpenFile): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.fileType === 'json') f.stream.write(']');
      f.stream.end(() => resolve());
      f.stream.once('error', () => resolve());
    });
  }
}
