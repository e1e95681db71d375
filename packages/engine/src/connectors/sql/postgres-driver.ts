import type { Row } from '@oort/sdk';
import pg from 'pg';
import type { DbTarget } from './db-url.js';
import { bindValue, driverError, type SqlDriver, type Statement } from './sql-driver.js';

const toBigInt = (s: string) => BigInt(s);
/** int2, int4, int8, oid → bigint; numeric → number (eKuiper reads int64 and float64). */
const PARSERS: Record<number, (s: string) => unknown> = { 20: toBigInt, 21: toBigInt, 23: toBigInt, 26: toBigInt, 1700: Number };

const types = {
  getTypeParser: ((oid: number, format?: string) => PARSERS[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** PostgreSQL through a small pg pool, with `$n` placeholders; type parsers are per pool, not global. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  private readonly pool: pg.Pool;

  constructor(t: DbTarget) {
    const ssl = t.params.sslmode && t.params.sslmode !== 'disable' ? { rejectUnauthorized: t.params.sslmode === 'verify-full' } : undefined;
    this.pool = new pg.Pool({
      host: t.host,
      port: t.port,
      user: t.user ?? 'postgres',
      password: t.password,
      database: t.database,
      max: Number(t.params.maxConnections ?? 4),
      connectionTimeoutMillis: 5000,
      ssl,
      types,
    });
    // an idle client losing its connection emits on the pool; the pool replaces it
    this.pool.on('error', () => {});
  }

  async query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      const res = await this.pool.query(sql, params.map((v) => bindValue(v, 'postgres')));
      return res.rows as Row[];
    } catch (e) {
      throw driverError('postgres query failed', e);
    }
  }

  async execAll(statements: readonly Statement[]): Promise<void> {
    if (!statements.length) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      if (statements.length === 1) {
        await client.query(statements[0]!.sql, statements[0]!.params.map((v) => bindValue(v, 'postgres')));
        return;
      }
      await client.query('BEGIN');
      try {
        for (const s of statements) await client.query(s.sql, s.params.map((v) => bindValue(v, 'postgres')));
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    } catch (e) {
      throw driverError('postgres write failed', e);
    } finally {
      client?.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
