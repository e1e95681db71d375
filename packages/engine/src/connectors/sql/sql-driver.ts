import { IOError, toJSON, type Row } from '@oort/sdk';
import type { DbTarget, Dialect } from './db-url.js';

/** One statement with its bind values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The little the sql connectors need from a database: parameterized queries, a batch of
 * statements in one transaction, and a connection check. One adapter per driver; each
 * returns values in the engine's model (integers as bigint, floats and decimals as number,
 * timestamps as Date, blobs as Uint8Array).
 */
export interface SqlDriver {
  readonly dialect: Dialect;
  query(sql: string, params: readonly unknown[]): Promise<Row[]>;
  /** Runs the statements in order in one transaction. */
  execAll(statements: readonly Statement[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the adapter for a parsed dburl (drivers are loaded on first use). */
export async function openDriver(t: DbTarget): Promise<SqlDriver> {
  switch (t.dialect) {
    case 'mysql':
      return new (await import('./mysql-driver.js')).MysqlDriver(t);
    case 'postgres':
      return new (await import('./postgres-driver.js')).PostgresDriver(t);
    case 'sqlite':
      return new (await import('./sqlite-driver.js')).SqliteDriver(t);
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
]);

/**
 * Whether a driver error is worth retrying (the database is unreachable, restarting or
 * busy) rather than a problem with the statement or the data.
 */
export function isTransient(e: unknown): boolean {
  const err = e as { code?: unknown; fatal?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  if (CONNECTION_CODES.has(code)) return true;
  if (err?.fatal === true) return true; // mysql2: the connection is gone
  // PostgreSQL SQLSTATE classes 08 (connection), 57P (shutdown), 53 (resources), 40001/40P01 (retry)
  if (/^(08|57P|53)/.test(code) || code === '40001' || code === '40P01') return true;
  const msg = typeof err?.message === 'string' ? err.message : '';
  return /Connection terminated|connection is closed|Pool is closed|Can't add new command when connection is in closed state/i.test(msg);
}

/** Wraps transient driver errors as IOError so the engine retries them; others pass as they are. */
export function driverError(what: string, e: unknown): Error {
  const msg = `${what}: ${(e as Error)?.message ?? String(e)}`;
  if (isTransient(e)) return new IOError(msg);
  const err = new Error(msg);
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** A value as the drivers bind it: JSON text for objects and arrays, Buffer for bytes. */
export function bindValue(v: unknown, dialect: Dialect): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'boolean':
      return dialect === 'sqlite' ? (v ? 1 : 0) : v;
    case 'string':
    case 'number':
    case 'bigint':
      return v;
    default:
      if (v instanceof Date) return dialect === 'sqlite' ? v.toISOString() : v;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return toJSON(v);
  }
}
