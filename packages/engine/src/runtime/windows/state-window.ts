import type { EvalRow } from '../tuple.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowEmit, type WindowOperator, type WindowSnapshot } from './types.js';

export interface StateWindowConfig {
  /** `STATEWINDOW(c)`: c opens a window; the next row matching c closes it and opens the next. */
  single?: (row: EvalRow) => boolean;
  /** `STATEWINDOW(begin, emit)`. */
  begin?: (row: EvalRow) => boolean;
  end?: (row: EvalRow) => boolean;
  /** `OVER (PARTITION BY ...)` key of a row; absent: one partition. */
  partition?: (row: EvalRow) => string;
  emit: WindowEmit;
}

interface Status {
  start: number;
  end: number;
  open: boolean;
  rows: EvalRow[];
}

/**
 * The state window (eKuiper's v2 window operator), per partition. Rows seen while no window
 * is open are discarded. window_start = first row's time, window_end = closing row's time.
 */
export class StateWindow implements WindowOperator {
  private status = new Map<string, Status>();

  constructor(private readonly c: StateWindowConfig) {}

  add(row: EvalRow): void {
    const key = this.c.partition ? this.c.partition(row) : 'parKey_';
    let s = this.status.get(key);
    if (!s) {
      s = { start: 0, end: 0, open: false, rows: [] };
      this.status.set(key, s);
    }
    if (this.c.begin && this.c.end) {
      if (!s.open) {
        if (this.c.begin(row)) {
          s.start = row.ts;
          s.open = true;
          s.rows.push(row);
        }
      } else {
        s.rows.push(row);
        if (this.c.end(row)) {
          s.end = row.ts;
          this.flush(s);
          s.open = false;
        }
      }
    } else if (this.c.single) {
      const matched = this.c.single(row);
      if (!s.open) {
        if (matched) {
          s.start = row.ts;
          s.open = true;
          s.rows.push(row);
        }
      } else if (matched) {
        s.end = row.ts;
        this.flush(s);
        s.open = true;
        s.rows.push(row);
        s.start = row.ts;
      } else {
        s.rows.push(row);
      }
    }
  }

  private flush(s: Status): void {
    const rows = s.rows;
    s.rows = [];
    this.c.emit(rows, s.start, s.end);
  }

  onWatermark(): void {}
  start(): void {}
  stop(): void {}

  snapshot(): WindowSnapshot {
    const status: Record<string, unknown> = {};
    for (const [k, s] of this.status) status[k] = { start: s.start, end: s.end, open: s.open, rows: s.rows.map(snapRow) };
    return { v: 1, kind: 'state', status };
  }

  restore(snap: unknown): void {
    const o = checkSnapshot(snap, 'state');
    this.status.clear();
    for (const [k, v] of Object.entries(o.status as Record<string, Status & { rows: RowSnapshot[] }>)) {
      this.status.set(k, { start: v.start, end: v.end, open: v.open, rows: v.rows.map(unsnapRow) });
    }
  }
}
