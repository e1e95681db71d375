import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  validateConfig,
  type ConfigSchema,
  type Row,
  type Source,
  type SourceIO,
  type StreamContext,
  type TimerHandle,
} from '@oort/sdk';

export const fileSourceSchema: ConfigSchema = {
  path: { type: 'string', default: 'data', description: 'folder holding the file(s), relative to the working directory' },
  datasource: { type: 'string', default: '', description: 'file name inside path; empty reads every file of the folder' },
  fileType: { type: 'string', default: 'json', enum: ['json', 'lines', 'csv'] },
  interval: { type: 'duration', default: 0, description: '0 reads once then ends; otherwise re-reads every interval' },
  hasHeader: { type: 'boolean', default: false, description: 'csv: first line names the columns' },
  columns: { type: 'array', description: 'csv: column names when there is no header' },
  delimiter: { type: 'string', default: ',', description: 'csv separator' },
  ignoreStartLines: { type: 'integer', default: 0, minimum: 0 },
  ignoreEndLines: { type: 'integer', default: 0, minimum: 0 },
};

/** Rows handed over before yielding to the event loop, so big files do not stall it. */
const CHUNK = 1000;

/**
 * Reads a JSON array file, a JSON-lines file or a CSV file. JSON and CSV files give rows;
 * lines are handed over as bytes for the stream's FORMAT to decode.
 */
export class FileSource implements Source {
  private dir = '';
  private name = '';
  private fileType = 'json';
  private interval = 0;
  private hasHeader = false;
  private columns: string[] | undefined;
  private delimiter = ',';
  private ignoreStart = 0;
  private ignoreEnd = 0;
  private timer: TimerHandle | undefined;
  private closed = false;
  private waitDrain: (() => void) | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(fileSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.dir = p.path as string;
    this.name = p.datasource as string;
    this.fileType = p.fileType as string;
    this.interval = p.interval as number;
    this.hasHeader = p.hasHeader as boolean;
    this.columns = (p.columns as unknown[] | undefined)?.map(String);
    this.delimiter = (p.delimiter as string) || ',';
    this.ignoreStart = p.ignoreStartLines as number;
    this.ignoreEnd = p.ignoreEndLines as number;
  }

  connect(ctx: StreamContext, io: SourceIO): void {
    io.onDrain(() => {
      const w = this.waitDrain;
      this.waitDrain = undefined;
      w?.();
    });
    io.status('connected');
    const run = async (): Promise<void> => {
      try {
        await this.readAll(io);
      } catch (e) {
        if (!this.closed) io.error(e instanceof Error ? e : new Error(String(e)));
      }
    };
    if (this.interval > 0) {
      void run();
      this.timer = ctx.clock.setInterval(() => void run(), this.interval);
    } else {
      void run().then(() => {
        if (!this.closed) io.eof(`file ${this.name || this.dir} read`);
      });
    }
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.waitDrain?.();
  }

  private async readAll(io: SourceIO): Promise<void> {
    const names = this.name ? [this.name] : (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name).sort();
    for (const n of names) {
      if (this.closed) return;
      await this.readOne(join(this.dir, n), n, io);
    }
  }

  private async readOne(file: string, name: string, io: SourceIO): Promise<void> {
    const text = await readFile(file, 'utf8');
    const meta = { file: name };
    if (this.fileType === 'json') {
      const v: unknown = JSON.parse(text);
      const rows = (Array.isArray(v) ? v : [v]) as Row[];
      await this.emit(rows.length, (i) => io.tuple(rows[i]!, meta));
      return;
    }
    let lines = text.split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines = lines.slice(this.ignoreStart, lines.length - this.ignoreEnd);
    if (this.fileType === 'lines') {
      lines = lines.filter((l) => l.trim() !== '');
      await this.emit(lines.length, (i) => io.bytes(Buffer.from(lines[i]!, 'utf8'), meta));
      return;
    }
    let names = this.columns;
    if (this.hasHeader && lines.length) names = lines.shift()!.split(this.delimiter);
    const d = this.delimiter;
    await this.emit(lines.length, (i) => {
      const cols = lines[i]!.split(d);
      const row: Row = {};
      for (let c = 0; c < cols.length; c++) row[names?.[c] ?? `cols${c}`] = cols[c];
      return io.tuple(row, meta);
    });
  }

  /** Hands over n records, pausing when the engine's queue is full and every CHUNK records. */
  private async emit(n: number, push: (i: number) => boolean): Promise<void> {
    for (let i = 0; i < n; i++) {
      if (this.closed) return;
      if (!push(i)) await new Promise<void>((r) => (this.waitDrain = r));
      else if (i % CHUNK === CHUNK - 1) await new Promise((r) => setImmediate(r));
    }
  }
}
