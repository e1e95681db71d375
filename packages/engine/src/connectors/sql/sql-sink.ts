import { ConfigError, IOError, validateConfig, type ConfigSchema, type ConnectionStatus, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { parseDbUrl, redact, type DbTarget } from './db-url.js';
import { isSafeIdentifier, quoteIdent } from './identifiers.js';
import type { SqlDriver, Statement } from './sql-driver.js';
import { leaseDriver, type DriverLease } from './shared-drivers.js';
import { deleteStatement, insertStatement, updateStatement, upsertStatement } from './sql-queries.js';

export const sqlSinkSchema: ConfigSchema = {
  dburl: { type: 'string', description: 'mysql://user:pass@host:3306/db, postgres://user@host:5432/db or sqlite:/path/file.db' },
  url: { type: 'string', description: 'alias of dburl' },
  table: { type: 'string', required: true, description: 'table to write to (schema.table allowed)' },
  fields: { type: 'array', description: 'columns to write, in order; by default the keys of the first row' },
  rowkindField: { type: 'string', description: 'field holding insert/update/upsert/delete (missing: insert)' },
  rowKindField: { type: 'string', description: "eKuiper's spelling of rowkindField" },
  keyField: { type: 'string', description: 'the key column for update, upsert and delete; required with rowkindField' },
  rowsPerStatement: { type: 'integer', minimum: 1, description: 'rows per INSERT statement (default: as many as fit in 30000 bind values)' },
};

const KINDS = new Set(['insert', 'update', 'upsert', 'delete']);
/** Under every driver's bind-value limit (SQLite 32766, PostgreSQL and MySQL 65535). */
const MAX_PARAMS = 30_000;

/**
 * Writes result rows to a SQL table (eKuiper's `sql` sink). Without `rowkindField` each
 * collect becomes parameterized multi-row INSERTs in one transaction. With it, each row is
 * inserted, updated, upserted or deleted by `keyField`, all rows of a collect in one
 * transaction. Identifiers are validated and quoted; values are always bound, never formatted
 * into the SQL text. Connection failures are IOError (the engine retries); a bad statement or
 * row is a plain error. Sinks and sources with the same dburl share one connection pool.
 */
export class SqlSink implements Sink {
  readonly kind = 'tuple';
  private target!: DbTarget;
  private url = '';
  private table = '';
  private fields: string[] | undefined;
  private rowkindField: string | undefined;
  private keyField: string | undefined;
  private rowsPerStatement: number | undefined;
  private driver: SqlDriver | undefined;
  private lease: DriverLease | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(sqlSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.url = String(p.dburl || p.url || '');
    if (!this.url) throw new ConfigError('dburl should be defined');
    this.target = parseDbUrl(this.url);
    if (!p.table) throw new ConfigError('property table is required');
    this.table = quoteIdent(this.target.dialect, p.table as string, 'table', true);
    this.rowkindField = ((p.rowkindField || p.rowKindField) as string | undefined) || undefined;
    this.keyField = (p.keyField as string | undefined) || undefined;
    if (this.rowkindField && !this.keyField) throw new ConfigError('keyField is required when rowkindField is set');
    if (this.keyField) quoteIdent(this.target.dialect, this.keyField, 'keyField');
    if (Array.isArray(p.fields) && p.fields.length) {
      this.fields = (p.fields as unknown[]).map(String).filter((f) => f !== this.rowkindField);
      for (const f of this.fields) quoteIdent(this.target.dialect, f, 'field');
    }
    this.rowsPerStatement = p.rowsPerStatement as number | undefined;
  }

  async connect(_ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    status('connecting');
    const lease = leaseDriver(this.url, this.target);
    let driver: SqlDriver;
    try {
      driver = await lease.driver;
      await driver.ping();
    } catch (e) {
      await lease.release();
      status('disconnected', (e as Error).message);
      throw new IOError(`cannot connect to ${redact(this.url)}: ${(e as Error).message}`);
    }
    await this.lease?.release();
    this.lease = lease;
    this.driver = driver;
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const rows = item.rows ?? [];
    if (!rows.length) return;
    const driver = this.driver;
    if (!driver) throw new IOError(`sql sink is not connected to ${redact(this.url)}`);
    const statements = this.rowkindField ? this.updates(rows) : this.inserts(rows);
    await driver.execAll(statements);
  }

  private columns(row: Row): string[] {
    if (this.fields) return this.fields;
    const cols: string[] = [];
    for (const k of Object.keys(row)) {
      if (k === this.rowkindField) continue;
      if (!isSafeIdentifier(k)) throw new Error(`invalid dynamic field name ${JSON.stringify(k)}: expected [A-Za-z_][A-Za-z0-9_]*`);
      cols.push(k);
    }
    return cols;
  }

  private inserts(rows: Row[]): Statement[] {
    const cols = this.columns(rows[0]!);
    if (!cols.length) return [];
    const per = this.rowsPerStatement ?? Math.max(1, Math.floor(MAX_PARAMS / cols.length));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per).map((r) => cols.map((c) => r[c] ?? null));
      out.push(insertStatement(this.target.dialect, this.table, cols, chunk));
    }
    return out;
  }

  private updates(rows: Row[]): Statement[] {
    const d = this.target.dialect;
    const kf = this.keyField!;
    const out: Statement[] = [];
    for (const row of rows) {
      const raw = row[this.rowkindField!];
      let kind = 'insert';
      if (raw !== undefined && raw !== null) {
        if (typeof raw !== 'string') throw new Error(`rowkind field ${this.rowkindField} is not a string`);
        kind = raw.toLowerCase();
        if (!KINDS.has(kind)) throw new Error(`invalid rowkind ${raw}`);
      }
      const cols = this.columns(row);
      const values = cols.map((c) => row[c] ?? null);
      if (kind === 'insert') {
        if (cols.length) out.push(insertStatement(d, this.table, cols, [values]));
        continue;
      }
      const key = row[kf];
      if (key === undefined || key === null) throw new Error(`field ${kf} does not exist in the row`);
      if (kind === 'delete') out.push(deleteStatement(d, this.table, kf, key));
      else if (kind === 'upsert') out.push(upsertStatement(d, this.table, cols.includes(kf) ? cols : [kf, ...cols], cols.includes(kf) ? values : [key, ...values], kf));
      else {
        const st = updateStatement(d, this.table, cols, values, kf, key);
        if (st) out.push(st);
      }
    }
    return out;
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const l = this.lease;
    this.driver = undefined;
    this.lease = undefined;
    await l?.release();
  }
}
