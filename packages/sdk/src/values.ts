/**
 * Values that flow through Oort rules.
 *
 * Oort keeps eKuiper's distinction between integers and floats: a SQL integer (Go `int64`)
 * is a JavaScript `bigint`, a float (Go `float64`) is a `number`. JSON payloads decode to
 * `number` unless the stream declares a `BIGINT` field or the source sets
 * `useInt64ForWholeNumber`. Datetimes are `Date`, `BYTEA` is `Uint8Array`, nil is `null`
 * or `undefined` (a missing field).
 *
 * @example
 * ```ts
 * import { toNumber } from '@oort/sdk';
 * const celsius = (toNumber(row.temperature) - 32) / 1.8;
 * ```
 */
export type Value =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Date
  | Uint8Array
  | Value[]
  | { [key: string]: Value };

/** One record: field name to value. */
export type Row = Record<string, unknown>;

/** Metadata of a record (for MQTT: `topic`, `qos`, `messageId`; for files: `file`). */
export type Meta = Record<string, unknown>;

/**
 * Converts a SQL number (either `bigint` or `number`) to a JavaScript number.
 * Other values give `NaN`.
 *
 * @example
 * ```ts
 * toNumber(5n) // 5
 * ```
 */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/**
 * JSON text of a value, writing `bigint` as plain digits and `Uint8Array` as base64,
 * as eKuiper's encoder does. Use it instead of `JSON.stringify` on rows.
 *
 * @example
 * ```ts
 * toJSON({ n: 5n, t: 21.5 }) // '{"n":5,"t":21.5}'
 * ```
 */
export function toJSON(v: unknown): string {
  const text = JSON.stringify(v, jsonReplacer) ?? 'null';
  return text.includes(BIG_MARK_JSON) ? text.replace(BIG_RE, '$1') : text;
}

const BIG_MARK = '\u0000big:';
const BIG_MARK_JSON = '"\\u0000big:';
const BIG_RE = /"\\u0000big:(-?\d+)"/g;

function jsonReplacer(this: unknown, _key: string, v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : BIG_MARK + v.toString();
  }
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}
