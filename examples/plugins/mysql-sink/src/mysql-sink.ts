import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { ConfigError, IOError, validateConfig } from '@oort/sdk';
import type { ConfigSchema, ConnectionStatus, Row, Sink, SinkItem, StreamContext } from '@oort/sdk';
import { parseMySqlUrl, redact } from './dsn.js';
import { insertStatements, quoteId } from './insert-statement.js';

/** Properties of the `mysql` action. */
export const schema: ConfigSchema = {
  url: {
    type: 'string',
    required: true,
    secret: true,
    description: 'user:pass@tcp(host:3306)/db (Go DSN, as in eKuiper) or mysql://user:pass@host:3306/db',
  },
  table: { type: 'string', required: true, description: 'target table, optionally db.table' },
  fields: { type: 'array', description: 'result fields to write, each into the column of the same name' },
  columns: { type: 'object', description: 'column → result field mapping, e.g. {"temp_c": "temperature"}' },
  // Not `batchSize`: that is the engine's common sink property (rows gathered into one item
  // before collect, with `lingerInterval`); this only splits a large item into statements.
  rowsPerStatement: { type: 'integer', default: 500, minimum: 1, description: 'most rows in one INSERT statement' },
  connectionLimit: { type: 'integer', default: 2, minimum: 1, description: 'pool size' },
};

/**
 * MySQL error codes after which a new attempt may succeed: the pool drops the broken
 * connection and opens a new one on the next try.
 */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
]);

/** Wraps driver errors: transient ones become {@link IOError} so the engine keeps and resends the data. */
export function classify(err: unknown, what: string): Error {
  const e = err as { code?: string; fatal?: boolean; message?: string };
  const msg = `${what}: ${e?.message ?? String(err)}`;
  return e && (e.fatal || (e.code !== undefined && TRANSIENT.has(e.code))) ? new IOError(msg) : new Error(msg);
}

/**
 * Writes rule results into a MySQL or MariaDB table: one parameterized multi-row INSERT per
 * batch (no value is ever formatted into SQL text), through a pool that reconnects by itself.
 *
 * Columns: `columns` (column → field) if given, else `fields` (same names), else every field
 * of each row into the column of the same name.
 */
export class MySqlSink implements Sink {
  readonly kind = 'tuple';
  private options: PoolOptions = {};
  private url = '';
  private table = '';
  private mapping: [string, string][] | undefined;
  private rowsPerStatement = 500;
  private pool: Pool | undefined;
  private inflight = new Set<Promise<void>>();

  provision(_ctx: StreamContext, input: Record<string, unknown>): void {
    const { props, issues } = validateConfig(schema, input);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.url = props.url as string;
    try {
      this.options = parseMySqlUrl(this.url);
      this.table = quoteId(props.table as string, true);
      this.mapping = columnMapping(props.fields, props.columns);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    this.rowsPerStatement = props.rowsPerStatement as number;
    this.options.connectionLimit = props.connectionLimit as number;
  }

  async connect(ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    status('connecting');
    this.pool ??= createPool({ ...this.options, waitForConnections: true, enableKeepAlive: true, supportBigNumbers: true });
    try {
      const conn = await this.pool.getConnection();
      try {
        await conn.ping();
      } finally {
        conn.release();
      }
      status('connected');
      ctx.logger.info(`mysql sink connected to ${redact(this.url)}, table ${this.table}`);
    } catch (err) {
      const e = classify(err, `cannot connect to ${redact(this.url)}`);
      status('disconnected', e.message);
      throw e;
    }
  }

  collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    const p = this.write(ctx, item.rows ?? []);
    this.inflight.add(p);
    const done = () => void this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private async write(ctx: StreamContext, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.pool) throw new IOError('mysql sink is not connected');
    for (const [columns, group] of this.groups(rows)) {
      for (const st of insertStatements(this.table, columns, group, this.rowsPerStatement)) {
        try {
          await this.pool.execute(st.sql, st.params as never);
        } catch (err) {
          throw classify(err, `insert into ${this.table} failed`);
        }
      }
    }
    ctx.logger.debug(`mysql sink wrote ${rows.length} row(s) into ${this.table}`);
  }

  /** Rows grouped by their column list; with a fixed mapping there is one group. */
  private groups(rows: Row[]): Map<[string, string][], Row[]> {
    if (this.mapping) return new Map([[this.mapping, rows]]);
    const byKeys = new Map<string, { cols: [string, string][]; rows: Row[] }>();
    for (const r of rows) {
      const keys = Object.keys(r);
      const sig = keys.join('\u0000');
      let g = byKeys.get(sig);
      if (!g) byKeys.set(sig, (g = { cols: keys.map((k) => [k, k]), rows: [] }));
      g.rows.push(r);
    }
    return new Map([...byKeys.values()].map((g) => [g.cols, g.rows]));
  }

  /** Waits for writes in flight, then closes the pool. Safe to call twice. */
  async close(ctx: StreamContext): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    const pool = this.pool;
    this.pool = undefined;
    if (pool) {
      await pool.end().catch((err: Error) => ctx.logger.warn(`mysql sink close: ${err.message}`));
    }
  }
}

function columnMapping(fields: unknown, columns: unknown): [string, string][] | undefined {
  if (columns !== undefined) {
    const entries = Object.entries(columns as Record<string, unknown>);
    if (entries.length === 0) throw new Error('columns must map at least one column');
    for (const [c, f] of entries) {
      if (typeof f !== 'string') throw new Error(`columns.${c} must be the name of a result field`);
      quoteId(c);
    }
    return entries as [string, string][];
  }
  if (fields !== undefined) {
    const list = fields as unknown[];
    if (list.length === 0 || list.some((f) => typeof f !== 'string')) throw new Error('fields must be a non-empty list of field names');
    for (const f of list as string[]) quoteId(f);
    return (list as string[]).map((f) => [f, f]);
  }
  return undefined;
}
