import type { Row } from '@oort/sdk';
import { compileTopicFilter } from './topic-match.js';

/** What an updatable sink asks a row to do to keyed tables; plain publishes are upserts. */
export type RowKind = 'insert' | 'update' | 'upsert' | 'delete';

/** Receives rows published on a topic matching the subscription's filter. */
export type BusHandler = (topic: string, rows: Row[], kinds?: readonly RowKind[]) => void;

interface Subscription {
  filter: string;
  match: (topic: string) => boolean;
  handler: BusHandler;
}

/**
 * In-process pub/sub for rule pipelines (eKuiper's memory topics): many publishers, many
 * subscribers, MQTT wildcards in subscriptions. Rows are shared between subscribers, who
 * must not mutate them. Delivery is synchronous.
 */
export class MemoryBus {
  private subs = new Set<Subscription>();
  /** topic → subscriptions matching it; dropped whenever subscriptions change. */
  private routes = new Map<string, Subscription[]>();
  private tables = new Map<string, { table: MemoryTable; refs: number; off: () => void }>();

  subscribe(filter: string, handler: BusHandler): () => void {
    const sub: Subscription = { filter, match: compileTopicFilter(filter), handler };
    this.subs.add(sub);
    this.routes.clear();
    return () => {
      if (this.subs.delete(sub)) this.routes.clear();
    };
  }

  /** Publishes rows (with a row kind each, for updatable sinks); returns how many subscriptions got them. */
  publish(topic: string, rows: Row[], kinds?: readonly RowKind[]): number {
    let route = this.routes.get(topic);
    if (!route) {
      route = [...this.subs].filter((s) => s.match(topic));
      this.routes.set(topic, route);
    }
    for (const s of route) s.handler(topic, rows, kinds);
    return route.length;
  }

  /**
   * The keyed table that accumulates a topic (memory lookup tables), shared by every user
   * of the same topic and key; release it with the returned function.
   */
  acquireTable(topic: string, key: string): { table: MemoryTable; release: () => void } {
    const id = `${topic}\u0000${key}`;
    let entry = this.tables.get(id);
    if (!entry) {
      const table = new MemoryTable(key);
      const off = this.subscribe(topic, (_t, rows, kinds) => table.apply(rows, kinds));
      entry = { table, refs: 0, off };
      this.tables.set(id, entry);
    }
    entry.refs++;
    const e = entry;
    let released = false;
    return {
      table: e.table,
      release: () => {
        if (released) return;
        released = true;
        if (--e.refs === 0) {
          e.off();
          this.tables.delete(id);
        }
      },
    };
  }

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    return this.subs.size;
  }
}

function keyText(v: unknown): string {
  // 1 (float) and 1n (int) are the same key, as eKuiper compares them
  if (typeof v === 'bigint' || typeof v === 'number') return 'n:' + String(v);
  return typeof v + ':' + String(v);
}

/** Rows of a memory topic indexed by one key field. */
export class MemoryTable {
  private rows = new Map<string, Row>();
  constructor(readonly key: string) {}

  apply(rows: Row[], kinds?: readonly RowKind[]): void {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const k = row[this.key];
      if (k === undefined || k === null) continue;
      const id = keyText(k);
      switch (kinds?.[i] ?? 'upsert') {
        case 'delete':
          this.rows.delete(id);
          break;
        case 'insert':
          if (!this.rows.has(id)) this.rows.set(id, row);
          break;
        case 'update':
          if (this.rows.has(id)) this.rows.set(id, { ...this.rows.get(id), ...row });
          break;
        default:
          this.rows.set(id, row);
      }
    }
  }

  /** Rows whose `keys` fields equal `values`. */
  lookup(keys: string[], values: unknown[]): Row[] {
    if (keys.length === 1 && keys[0] === this.key) {
      const r = this.rows.get(keyText(values[0]));
      return r ? [r] : [];
    }
    const want = values.map(keyText);
    const out: Row[] = [];
    for (const r of this.rows.values()) if (keys.every((k, i) => keyText(r[k]) === want[i])) out.push(r);
    return out;
  }

  get size(): number {
    return this.rows.size;
  }
}

/** The process-wide bus the memory source and sink use. */
export const memoryBus = new MemoryBus();
