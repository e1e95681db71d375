import type { Clock, TimerHandle } from '@oort/sdk';
import type { EvalRow } from '../tuple.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowEmit, type WindowOperator, type WindowSnapshot } from './types.js';

export interface SlidingWindowV2Config {
  length: number;
  delay: number;
  eventTime: boolean;
  clock: Clock;
  emit: WindowEmit;
  trigger?: (row: EvalRow) => boolean;
}

/**
 * The sliding window of eKuiper's v2 window operator (rule option
 * `planOptimizeStrategy.windowOption.windowVersion: "v2"`): windows are left-open,
 * right-closed `(t − length, t]`; with a delay `(t − length, t + delay]`. In event time a
 * delayed window ends at the watermark that releases it. (eKuiper re-emits delayed windows
 * on later watermarks when all of them are due; Oort emits each once.)
 */
export class SlidingWindowV2 implements WindowOperator {
  private rows: EvalRow[] = [];
  private readonly delayed = new Map<TimerHandle, number>();
  private delayTS: number[] = [];
  private stopped = false;

  constructor(private readonly c: SlidingWindowV2Config) {}

  add(row: EvalRow): void {
    const end = row.ts;
    const start = end - this.c.length;
    if (!this.c.eventTime) this.gc(start);
    this.rows.push(row);
    let send = this.c.trigger ? this.c.trigger(row) : true;
    if (send && this.c.delay > 0) {
      send = false;
      if (this.c.eventTime) this.delayTS.push(end + this.c.delay);
      else this.arm(end + this.c.delay, this.c.delay);
    }
    if (send) this.emitWindow(start, end);
  }

  onWatermark(now: number): void {
    if (!this.c.eventTime) return;
    let n = 0;
    while (n < this.delayTS.length && this.delayTS[n]! <= now) {
      this.emitWindow(this.delayTS[n]! - this.c.length - this.c.delay, now);
      n++;
    }
    if (n) this.delayTS = this.delayTS.slice(n);
    this.gc(now - this.c.length - this.c.delay);
  }

  private arm(due: number, ms: number): void {
    const h = this.c.clock.setTimeout(() => {
      this.delayed.delete(h);
      if (!this.stopped) this.emitWindow(due - this.c.delay - this.c.length, due);
    }, ms);
    this.delayed.set(h, due);
  }

  private emitWindow(start: number, end: number): void {
    const content: EvalRow[] = [];
    for (const r of this.rows) {
      if (r.ts > end) break;
      if (r.ts > start) content.push(r);
    }
    this.c.emit(content, start, end);
  }

  /** Keeps the rows after `t`. */
  private gc(t: number): void {
    let i = 0;
    while (i < this.rows.length && this.rows[i]!.ts <= t) i++;
    if (i) this.rows = this.rows.slice(i);
  }

  start(): void {
    if (this.c.eventTime) return;
    const now = this.c.clock.now();
    const dues = [...this.delayed.values()];
    this.delayed.clear();
    for (const due of dues) this.arm(due, Math.max(0, due - now));
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.delayed.keys()) h.cancel();
  }

  snapshot(): WindowSnapshot {
    return { v: 1, kind: 'sliding-v2', rows: this.rows.map(snapRow), delayed: [...this.delayed.values()], delayTS: [...this.delayTS] };
  }

  restore(s: unknown): void {
    const o = checkSnapshot(s, 'sliding-v2');
    this.rows = (o.rows as RowSnapshot[]).map(unsnapRow);
    this.delayed.clear();
    for (const due of o.delayed as number[]) this.delayed.set({ cancel() {} }, due);
    this.delayTS = [...(o.delayTS as number[])];
  }
}
