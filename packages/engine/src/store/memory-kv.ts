import type { KVStore } from './kv.js';

/** KVStore in memory, for tests and temporary engines. Same semantics as SqliteKV. */
export class MemoryKV implements KVStore {
  private data = new Map<string, Map<string, string>>();
  private depth = 0;

  get(ns: string, key: string): string | undefined {
    return this.data.get(ns)?.get(key);
  }

  set(ns: string, key: string, value: string): void {
    let m = this.data.get(ns);
    if (m === undefined) {
      m = new Map();
      this.data.set(ns, m);
    }
    m.set(key, value);
  }

  setIfAbsent(ns: string, key: string, value: string): boolean {
    if (this.data.get(ns)?.has(key)) return false;
    this.set(ns, key, value);
    return true;
  }

  delete(ns: string, key: string): boolean {
    return this.data.get(ns)?.delete(key) ?? false;
  }

  keys(ns: string): string[] {
    return [...(this.data.get(ns)?.keys() ?? [])].sort(compare);
  }

  entries(ns: string): [string, string][] {
    return [...(this.data.get(ns)?.entries() ?? [])].sort((a, b) => compare(a[0], b[0]));
  }

  transaction<T>(fn: () => T): T {
    // Snapshot at the outermost level and put it back if fn throws; nested calls join in.
    if (this.depth > 0) return fn();
    const snapshot = new Map([...this.data].map(([ns, m]) => [ns, new Map(m)]));
    this.depth++;
    try {
      return fn();
    } catch (err) {
      this.data = snapshot;
      throw err;
    } finally {
      this.depth--;
    }
  }

  close(): void {}
}

// Byte order like SQLite's BINARY collation for ASCII keys, independent of locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
