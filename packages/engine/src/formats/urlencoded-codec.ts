import type { Row } from '@oort/sdk';
import { formatValue } from '../runtime/value.js';
import { payloadText, textPayload, type Codec } from './codec.js';

/** `urlencoded`: a query string; keys given several times decode to arrays. */
export class UrlEncodedCodec implements Codec {
  decode(payload: Uint8Array): Row {
    const row: Row = {};
    for (const [k, v] of new URLSearchParams(payloadText(payload))) {
      const prev = row[k];
      if (prev === undefined) row[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else row[k] = [prev, v];
    }
    return row;
  }

  encode(value: Row | Row[]): Uint8Array {
    const row = Array.isArray(value) ? (value[0] ?? {}) : value;
    const params = new URLSearchParams();
    for (const k of Object.keys(row).sort()) {
      const v = row[k];
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const e of v) params.append(k, formatValue(e));
      else params.append(k, typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) ? JSON.stringify(v) : formatValue(v));
    }
    return textPayload(params.toString());
  }
}
