import type { EvalRow } from '../tuple.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowSnapshot } from '../windows/types.js';

/**
 * The retained rows of a scan table (eKuiper's join aligner): its last `size` rows, joined
 * with each stream row or window.
 */
export class TableBuffer {
  private rows: EvalRow[] = [];
  constructor(readonly name: string, private readonly size: number) {}

  add(row: EvalRow): void {
    this.rows.push(row);
    if (this.size > 0 && this.rows.length > this.size) this.rows.splice(0, this.rows.length - this.size);
  }

  get content(): readonly EvalRow[] {
    return this.rows;
  }

  snapshot(): WindowSnapshot {
    return { v: 1, kind: 'table', name: this.name, rows: this.rows.map(snapRow) };
  }

  restore(s: unknown): void {
    const o = checkSnapshot(s, 'table');
    this.rows = (o.rows as RowSnapshot[]).map(unsnapRow);
  }
}
