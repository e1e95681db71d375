import type { Meta, Row } from '@oort/sdk';

/**
 * One record inside a rule: decoded data, metadata, its timestamp (processing time, or
 * event time when the rule uses event time) and the stream it came from.
 * Operators never mutate `data`: a record may be shared by every rule on a stream.
 */
export interface Tuple {
  readonly emitter: string;
  readonly data: Row;
  readonly meta: Meta;
  readonly ts: number;
}

/**
 * What a compiled expression evaluates against. For a plain stream rule it is the tuple
 * itself; joins fill `parts` (emitter → tuple, missing on outer-join misses); aggregate
 * evaluation fills `group` with the rows of the group; windows set `winStart`/`winEnd`.
 * `aliases` holds SELECT aliases already computed for this row.
 */
export interface EvalRow {
  data: Row;
  meta: Meta;
  ts: number;
  emitter: string;
  parts?: Record<string, Tuple | undefined>;
  group?: readonly EvalRow[];
  winStart?: number;
  winEnd?: number;
  aliases?: Row;
}

/** A compiled expression. Throws an `EvalError` for a per-row failure. */
export type Evaluator = (row: EvalRow) => unknown;

/** A per-row failure (type mismatch, division by zero, ...), reported with eKuiper's text. */
export class EvalError extends Error {
  override readonly name = 'EvalError';
}
