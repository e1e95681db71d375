import type { Row } from '@oort/sdk';
import Database from 'better-sqlite3';
import type { DbTarget } from './db-url.js';
import { bindValue, driverError, type SqlDriver, type Statement } from './sql-driver.js';

/**
 * SQLite through better-sqlite3. Calls are synchronous and quick on a local file; integers
 * are read as bigint (safeIntegers). Prepared statements are cached by their text.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  private db: Database.Database | undefined;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly t: DbTarget) {}

  private open(): Database.Database {
    if (!this.db) {
      try {
        this.db = new Database(this.t.path!, { timeout: 5000 });
      } catch (e) {
        throw driverError(`cannot open sqlite database ${this.t.path}`, e);
      }
      this.db.defaultSafeIntegers(true);
    }
    return this.db;
  }

  private prepare(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.open().prepare(sql);
      if (this.cache.size > 256) this.cache.clear();
      this.cache.set(sql, s);
    }
    return s;
  }

  async query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      // blobs come back as Buffer, which is a Uint8Array
      return this.prepare(sql).all(...params.map((v) => bindValue(v, 'sqlite'))) as Row[];
    } catch (e) {
      throw driverError('sqlite query failed', e);
    }
  }

  async execAll(statements: readonly Statement[]): Promise<void> {
    if (!statements.length) return;
    try {
      const db = this.open();
      const run = db.transaction((list: readonly Statement[]) => {
        for (const s of list) this.prepare(s.sql).run(...s.params.map((v) => bindValue(v, 'sqlite')));
      });
      run(statements);
    } catch (e) {
      throw driverError('sqlite write failed', e);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.db?.close();
    this.db = undefined;
  }
}
