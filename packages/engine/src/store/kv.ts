/**
 * The metadata store: string values under (namespace, key). Namespaces play the role of
 * eKuiper's KV tables (`stream`, `rule`, `confKVStorage`, ...). Values are opaque strings
 * (callers store JSON); the store never interprets them.
 *
 * All methods are synchronous: metadata is small and SQLite answers in microseconds, which
 * keeps the REST handlers and the rule manager free of needless awaits.
 */
export interface KVStore {
  get(ns: string, key: string): string | undefined;
  /** Inserts or replaces. */
  set(ns: string, key: string, value: string): void;
  /** Inserts only when the key is absent; returns whether it inserted (eKuiper's `Setnx`). */
  setIfAbsent(ns: string, key: string, value: string): boolean;
  /** Returns whether a value was removed. */
  delete(ns: string, key: string): boolean;
  /** Keys of a namespace in ascending order. */
  keys(ns: string): string[];
  /** Entries of a namespace in ascending key order. */
  entries(ns: string): [string, string][];
  /**
   * Runs `fn` atomically: every write inside commits together or, when `fn` throws, none
   * does. `fn` must be synchronous. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}
