import type { Row } from '@oort/sdk';
import type { Codec, CodecOptions } from './codec.js';

/** `binary`: the whole payload is one bytea field, `self` or the schema's single BYTEA field. */
export class BinaryCodec implements Codec {
  private readonly field: string;

  constructor(opts: CodecOptions) {
    const s = opts.schema;
    this.field = s && s.length === 1 && s[0]!.fieldType.type === 'bytea' ? s[0]!.name : 'self';
  }

  decode(payload: Uint8Array): Row {
    return { [this.field]: payload };
  }

  encode(value: Row | Row[]): Uint8Array {
    const row = Array.isArray(value) ? value[0] : value;
    const v = row?.[this.field] ?? row?.['self'];
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    throw new Error(`binary format requires a bytea field ${this.field}`);
  }
}
