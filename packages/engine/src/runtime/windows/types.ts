import type { Meta, Row } from '@oort/sdk';
import type { EvalRow } from '../tuple.js';

/**
 * A window's output: its rows in arrival order and its range. `start`/`end` are undefined
 * when eKuiper sets no window range (the delayed half of an event-time sliding window).
 */
export type WindowEmit = (rows: EvalRow[], start: number | undefined, end: number | undefined) => void;

/** A window operator: rows go in (after FILTER), collections come out through `emit`. */
export interface WindowOperator {
  /** A row entering the window. */
  add(row: EvalRow): void;
  /** Event time: the watermark advanced to `wm` (epoch ms). */
  onWatermark(wm: number): void;
  /** Processing time: arms the first timers (after `restore`, if any). */
  start(): void;
  stop(): void;
  /** The operator state in a versioned, structured-clone-able form (bigint/Date kept). */
  snapshot(): WindowSnapshot;
  restore(s: unknown): void;
}

export interface WindowSnapshot {
  readonly v: 1;
  readonly kind: string;
  readonly [k: string]: unknown;
}

/** A row in a snapshot: what an operator needs to replay it. */
export interface RowSnapshot {
  data: Row;
  meta: Meta;
  ts: number;
  emitter: string;
  aliases?: Row;
}

export function snapRow(r: EvalRow): RowSnapshot {
  const s: RowSnapshot = { data: r.data, meta: r.meta, ts: r.ts, emitter: r.emitter };
  if (r.aliases) s.aliases = { ...r.aliases };
  return s;
}

export function unsnapRow(s: RowSnapshot): EvalRow {
  const r: EvalRow = { data: s.data, meta: s.meta, ts: s.ts, emitter: s.emitter };
  if (s.aliases) r.aliases = { ...s.aliases };
  return r;
}

/** Checks the envelope of a snapshot before an operator reads it. */
export function checkSnapshot(s: unknown, kind: string): Record<string, unknown> {
  const o = s as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || o.v !== 1 || o.kind !== kind) {
    throw new Error(`cannot restore ${kind} window state from ${JSON.stringify((o as { kind?: unknown })?.kind)} (version ${String(o?.v)})`);
  }
  return o;
}
