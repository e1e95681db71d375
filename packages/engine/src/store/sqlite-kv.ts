import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { KVStore } from './kv.js';

/** Default file name of the metadata database inside the data directory. */
export const DEFAULT_SQLITE_NAME = 'oort.db';

/**
 * KVStore on one SQLite file. A single table keyed by (ns, key) rather than eKuiper's
 * table-per-namespace: namespaces need no DDL, and one set of prepared statements serves all.
 * WAL with synchronous=NORMAL: durable across process crashes, fast commits; a power loss
 * may lose the last transactions, which is acceptable for metadata that the user re-sends.
 */
export class SqliteKV implements KVStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string, string], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string, string]>;
  private readonly insertStmt: Database.Statement<[string, string, string]>;
  private readonly deleteStmt: Database.Statement<[string, string]>;
  private readonly keysStmt: Database.Statement<[string], { key: string }>;
  private readonly entriesStmt: Database.Statement<[string], { key: string; value: string }>;

  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID',
    );
    this.getStmt = this.db.prepare('SELECT value FROM kv WHERE ns = ? AND key = ?');
    this.setStmt = this.db.prepare(
      'INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value',
    );
    this.insertStmt = this.db.prepare('INSERT OR IGNORE INTO kv (ns, key, value) VALUES (?, ?, ?)');
    this.deleteStmt = this.db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?');
    this.keysStmt = this.db.prepare('SELECT key FROM kv WHERE ns = ? ORDER BY key');
    this.entriesStmt = this.db.prepare('SELECT key, value FROM kv WHERE ns = ? ORDER BY key');
  }

  get(ns: string, key: string): string | undefined {
    return this.getStmt.get(ns, key)?.value;
  }

  set(ns: string, key: string, value: string): void {
    this.setStmt.run(ns, key, value);
  }

  setIfAbsent(ns: string, key: string, value: string): boolean {
    return this.insertStmt.run(ns, key, value).changes > 0;
  }

  delete(ns: string, key: string): boolean {
    return this.deleteStmt.run(ns, key).changes > 0;
  }

  keys(ns: string): string[] {
    return this.keysStmt.all(ns).map((r) => r.key);
  }

  entries(ns: string): [string, string][] {
    return this.entriesStmt.all(ns).map((r) => [r.key, r.value]);
  }

  transaction<T>(fn: () => T): T {
    // better-sqlite3 turns nested transaction() calls into savepoints.
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating if needed) `<dataDir>/<name>`. */
export function openSqliteKV(dataDir: string, name: string = DEFAULT_SQLITE_NAME): SqliteKV {
  return new SqliteKV(join(dataDir, name || DEFAULT_SQLITE_NAME));
}
