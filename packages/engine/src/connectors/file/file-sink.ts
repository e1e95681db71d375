import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, IOError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';

export const fileSinkSchema: ConfigSchema = {
  path: { type: 'string', required: true, description: 'file to write; may be a {{...}} template' },
  fileType: { type: 'string', default: 'lines', enum: ['lines', 'json', 'csv'] },
  hasHeader: { type: 'boolean', default: false, description: 'csv: write the header line once per file' },
  delimiter: { type: 'string', default: ',' },
  format: { type: 'string', default: 'json' },
};

interface OpenFile {
  stream: WriteStream;
  first: boolean;
  error?: Error;
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

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(fileSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.path = p.path as string;
    this.fileType = p.fileType as string;
    this.hasHeader = p.hasHeader as boolean;
    if (this.fileType === 'csv' && String(p.format).toLowerCase() !== 'delimited') {
      throw new ConfigError('file sink with fileType csv requires format delimited');
    }
  }

  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }

  private open(path: string): OpenFile {
    let f = this.files.get(path);
    if (f) return f;
    mkdirSync(dirname(path), { recursive: true });
    const existed = existsSync(path);
    const stream = createWriteStream(path, { flags: this.fileType === 'json' ? 'w' : 'a' });
    f = { stream, first: this.fileType === 'json' || !existed };
    const file = f;
    stream.on('error', (e) => (file.error = e));
    if (this.fileType === 'json') stream.write('[');
    this.files.set(path, f);
    return f;
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const path = typeof item.props.path === 'string' ? item.props.path : this.path;
    const f = this.open(path);
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
    await Promise.all(
      files.map(
        (f) =>
          new Promise<void>((resolve) => {
            if (this.fileType === 'json') f.stream.write(']');
            f.stream.end(() => resolve());
            f.stream.once('error', () => resolve());
          }),
      ),
    );
  }
}
