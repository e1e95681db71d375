import { toJSON, type Row } from '@oort/sdk';
import { payloadText, textPayload, type Codec, type CodecOptions } from './codec.js';
import { compileSchema } from './schema-convert.js';

function int64Reviver(_key: string, v: unknown): unknown {
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
}

/** True if the value holds something JSON.stringify cannot write the way eKuiper does. */
function needsReplacer(v: unknown, depth = 0): boolean {
  if (typeof v === 'bigint') return true;
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof Date) return false;
  if (v instanceof Uint8Array) return true;
  if (depth > 32) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (needsReplacer(v[i], depth + 1)) return true;
    return false;
  }
  for (const k in v) if (needsReplacer((v as Row)[k], depth + 1)) return true;
  return false;
}

/** JSON text of rows: JSON.stringify when it is enough, the sdk's bigint/bytes aware writer otherwise. */
export function encodeJSONText(value: unknown): string {
  return needsReplacer(value) ? toJSON(value) : (JSON.stringify(value) ?? 'null');
}

export class JsonCodec implements Codec {
  private readonly reviver: ((k: string, v: unknown) => unknown) | undefined;
  private readonly prune: ((row: Row) => Row) | undefined;

  constructor(opts: CodecOptions) {
    this.reviver = opts.useInt64ForWholeNumber ? int64Reviver : undefined;
    this.prune = opts.schema && opts.schema.length > 0 ? compileSchema(opts.schema) : undefined;
  }

  decode(payload: Uint8Array): Row | Row[] {
    const v: unknown = JSON.parse(payloadText(payload), this.reviver);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (typeof v[i] !== 'object' || v[i] === null || Array.isArray(v[i])) throw new Error('only map[string]interface{} and []map[string]interface{} is supported');
        if (this.prune) v[i] = this.prune(v[i] as Row);
      }
      return v as Row[];
    }
    if (typeof v !== 'object' || v === null) throw new Error('only map[string]interface{} and []map[string]interface{} is supported');
    return this.prune ? this.prune(v as Row) : (v as Row);
  }

  encode(value: Row | Row[]): Uint8Array {
    return textPayload(encodeJSONText(value));
  }
}
