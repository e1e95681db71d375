import type { Row } from '@oort/sdk';
import { formatValue } from '../runtime/value.js';
import { payloadText, textPayload, type Codec, type CodecOptions } from './codec.js';

/** `delimited`: one line per row, values as strings; names from `fields` or col0..colN. */
export class DelimitedCodec implements Codec {
  private readonly delimiter: string;
  private readonly fields: string[] | undefined;
  private readonly hasHeader: boolean;

  constructor(opts: CodecOptions) {
    this.delimiter = opts.delimiter || ',';
    this.fields = opts.fields && opts.fields.length > 0 ? opts.fields : undefined;
    this.hasHeader = opts.hasHeader ?? false;
  }

  decode(payload: Uint8Array): Row | Row[] {
    const lines = payloadText(payload).split(/\r?\n/).filter((l) => l !== '');
    let names = this.fields;
    if (this.hasHeader && lines.length > 0) names = lines.shift()!.split(this.delimiter);
    const rows = lines.map((line) => {
      const row: Row = {};
      const cols = line.split(this.delimiter);
      for (let i = 0; i < cols.length; i++) row[names?.[i] ?? `col${i}`] = cols[i];
      return row;
    });
    return rows.length === 1 ? rows[0]! : rows;
  }

  encode(value: Row | Row[]): Uint8Array {
    const rows = Array.isArray(value) ? value : [value];
    const names = this.fields ?? (rows.length > 0 ? Object.keys(rows[0]!).sort() : []);
    const lines: string[] = [];
    if (this.hasHeader) lines.push(names.join(this.delimiter));
    for (const row of rows) lines.push(names.map((n) => (row[n] === undefined || row[n] === null ? '' : formatValue(row[n]))).join(this.delimiter));
    return textPayload(lines.join('\n'));
  }
}
