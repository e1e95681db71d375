import { NodeMetrics } from '../nodes/metrics.js';
import type { EvalRow } from '../tuple.js';
import { ZERO_TIME } from './time-window.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowSnapshot } from './types.js';

/** Node metrics of the watermark stage, plus the count of late rows it dropped. */
export class WatermarkMetrics extends NodeMetrics {
  lateDropped = 0;
  override writeTo(out: Record<string, unknown>): void {
    super.writeTo(out);
    out[`${this.id}_0_late_records_dropped_total`] = this.lateDropped;
  }
}

export interface WatermarkConfig {
  /** The streams feeding the rule (tables excluded). */
  streams: readonly string[];
  lateTolerance: number;
  /** A row released in event-time order. */
  release(row: EvalRow): void;
  /** The watermark advanced (sent after the rows it released). */
  watermark?(wm: number): void;
  /** A row older than the last watermark: dropped, and reported by the caller. */
  late(row: EvalRow, watermark: number): void;
}

/**
 * eKuiper's watermark operator: per stream the largest event time seen;
 * watermark = min over streams − lateTolerance, recomputed on each row. Rows are buffered
 * sorted by event time and released once at or below the watermark. A row older than the
 * last watermark is late: it is handed to `late` (never dropped silently).
 */
export class WatermarkOperator {
  private events: EvalRow[] = [];
  /** Released rows before this index are gone. */
  private head = 0;
  private readonly streamWMs = new Map<string, number>();
  private last = ZERO_TIME;

  constructor(private readonly c: WatermarkConfig) {
    for (const s of c.streams) this.streamWMs.set(s, ZERO_TIME + c.lateTolerance);
  }

  get current(): number {
    return this.last;
  }

  add(row: EvalRow): void {
    const seen = this.streamWMs.get(row.emitter);
    if (seen === undefined || row.ts > seen) this.streamWMs.set(row.emitter, row.ts);
    if (row.ts < this.last) {
      this.c.late(row, this.last);
      return;
    }
    // insert after rows with the same time: equal times keep arrival order (in-order rows
    // append at the end, so the common case costs no copying)
    const ev = this.events;
    if (ev.length === this.head || ev[ev.length - 1]!.ts <= row.ts) {
      ev.push(row);
    } else {
      let lo = this.head, hi = ev.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ev[mid]!.ts > row.ts) hi = mid;
        else lo = mid + 1;
      }
      ev.splice(lo, 0, row);
    }
    let wm = Number.MAX_SAFE_INTEGER;
    for (const v of this.streamWMs.values()) if (v < wm) wm = v;
    wm -= this.c.lateTolerance;
    if (wm <= this.last) return;
    this.last = wm;
    const from = this.head;
    let n = from;
    while (n < ev.length && ev[n]!.ts <= wm) n++;
    this.head = n;
    for (let i = from; i < n; i++) {
      const r = ev[i]!;
      ev[i] = undefined as unknown as EvalRow; // released rows are not kept alive
      this.c.release(r);
    }
    if (this.head > 1024 && this.head * 2 > ev.length) {
      this.events = ev.slice(this.head);
      this.head = 0;
    }
    this.c.watermark?.(wm);
  }

  snapshot(): WindowSnapshot {
    return { v: 1, kind: 'watermark', events: this.events.slice(this.head).map(snapRow), streamWMs: Object.fromEntries(this.streamWMs), last: this.last };
  }

  restore(s: unknown): void {
    const o = checkSnapshot(s, 'watermark');
    this.events = (o.events as RowSnapshot[]).map(unsnapRow);
    this.head = 0;
    this.streamWMs.clear();
    for (const [k, v] of Object.entries(o.streamWMs as Record<string, number>)) this.streamWMs.set(k, v);
    this.last = o.last as number;
  }
}
