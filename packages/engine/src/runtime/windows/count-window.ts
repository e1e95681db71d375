import type { Clock } from '@oort/sdk';
import type { EvalRow } from '../tuple.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowEmit, type WindowOperator, type WindowSnapshot } from './types.js';

export interface CountWindowConfig {
  /** Rows per window. */
  size: number;
  /** Emit every `hop` rows (defaults to size). */
  hop?: number;
  clock: Clock;
  emit: WindowEmit;
}

/**
 * `COUNTWINDOW(n [, m])`: every m rows, once at least n rows are buffered, emits the last n
 * rows and keeps the last n-1 (eKuiper's TupleList). window_start = window_end = emit time.
 */
export class CountWindow implements WindowOperator {
  private inputs: EvalRow[] = [];
  private msgCount = 0;
  private readonly hop: number;

  constructor(private readonly c: CountWindowConfig) {
    this.hop = c.hop && c.hop > 0 ? c.hop : c.size;
  }

  add(row: EvalRow): void {
    this.inputs.push(row);
    this.msgCount++;
    if (this.msgCount % this.hop !== 0) return;
    this.msgCount = 0;
    const n = this.inputs.length;
    if (n < this.c.size) return;
    const content = this.inputs.slice(n - this.c.size);
    this.inputs = this.inputs.slice(n - this.c.size + 1);
    const now = this.c.clock.now();
    this.c.emit(content, now, now);
  }

  onWatermark(): void {}
  start(): void {}
  stop(): void {}

  snapshot(): WindowSnapshot {
    return { v: 1, kind: 'count', inputs: this.inputs.map(snapRow), msgCount: this.msgCount };
  }

  restore(s: unknown): void {
    const o = checkSnapshot(s, 'count');
    this.inputs = (o.inputs as RowSnapshot[]).map(unsnapRow);
    this.msgCount = o.msgCount as number;
  }
}
