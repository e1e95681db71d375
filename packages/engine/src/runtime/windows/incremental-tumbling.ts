import type { EvalRow } from '../tuple.js';
import type { AggStore } from './incremental-agg.js';
import { TimeWindow, type TimeWindowConfig } from './time-window.js';
import { checkSnapshot, unsnapRow, type RowSnapshot, type WindowSnapshot } from './types.js';

/**
 * A tumbling window (processing or event time) that feeds an `AggStore` instead of keeping
 * rows: the timers, watermarks and window ranges are `TimeWindow`'s; only the buffer differs.
 * Its collections are one synthetic row per group (see incremental-agg.ts).
 */
export class IncrementalTumblingWindow extends TimeWindow {
  constructor(c: TimeWindowConfig, private readonly store: AggStore) {
    super(c);
  }

  protected override push(row: EvalRow): void {
    this.store.add(row);
  }

  protected override earliest(after: number, upTo: number): number {
    return this.store.earliest(after, upTo);
  }

  protected override collect(right: number): EvalRow[] {
    return this.store.collect(right);
  }

  override snapshot(): WindowSnapshot {
    return { ...super.snapshot(), kind: 'time-incremental', agg: this.store.snapshot() };
  }

  override restore(s: unknown): void {
    if ((s as { kind?: unknown } | null)?.kind === 'time') {
      // a checkpoint of the row-keeping window (before an upgrade): its rows become accumulators
      super.restore(s);
      for (const r of checkSnapshot(s, 'time').inputs as RowSnapshot[]) this.store.add(unsnapRow(r));
      return;
    }
    const o = checkSnapshot(s, 'time-incremental');
    super.restore({ ...o, kind: 'time' });
    this.store.restore(o.agg);
  }
}
