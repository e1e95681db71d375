import type { Row } from '@oort/sdk';
import { createPool, type Pool, type PoolConnection } from 'mysql2/promise';
import type { DbTarget } from './db-url.js';
import { bindValue, driverError, type SqlDriver, type Statement } from './sql-driver.js';

const INTEGER = new Set(['TINY', 'SHORT', 'LONG', 'LONGLONG', 'INT24', 'YEAR']);

/** MySQL and MariaDB through a small mysql2 pool; `?` placeholders escaped by the driver. */
export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql';
  private readonly pool: Pool;

  constructor(t: DbTarget) {
    this.pool = createPool({
      host: t.host,
      port: t.port,
      user: t.user ?? 'root',
      password: t.password,
      database: t.database,
      connectionLimit: Number(t.params.maxConnections ?? 4),
      connectTimeout: 5000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      // integers become bigint and decimals number, as eKuiper reads them (int64, float64)
      typeCast: (field, next) => {
        if (INTEGER.has(field.type)) {
          const s = field.string();
          return s === null ? null : BigInt(s);
        }
        if (field.type === 'NEWDECIMAL' || field.type === 'DECIMAL') {
          const s = field.string();
          return s === null ? null : Number(s);
        }
        return next();
      },
    });
    // idle connections that die are replaced by the pool; their errors must not crash the process
    this.pool.on('connection', (c) => c.on('error', () => {}));
  }

  async query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      const [rows] = await this.pool.query(sql, params.map((v) => bindValue(v, 'mysql')));
      return rows as Row[];
    } catch (e) {
      throw driverError('mysql query failed', e);
    }
  }

  async execAll(statements: readonly Statement[]): Promise<void> {
    if (!statements.length) return;
    let conn: PoolConnection | undefined;
    try {
      conn = await this.pool.getConnection();
      if (statements.length === 1) {
        await conn.query(statements[0]!.sql, statements[0]!.params.map((v) => bindValue(v, 'mysql')));
        return;
      }
      await conn.beginTransaction();
      try {
        for (const s of statements) await conn.query(s.sql, s.params.map((v) => bindValue(v, 'mysql')));
        await conn.commit();
      } catch (e) {
        await conn.rollback().catch(() => {});
        throw e;
      }
    } catch (e) {
      throw driverError('mysql write failed', e);
    } finally {
      conn?.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
