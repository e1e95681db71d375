import { ConfigError, validateConfig, type ConfigSchema, type Row, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { cachedLookup, parseLookupOptions, type LookupFn } from '../lookup-cache.js';
import { parseDbUrl, redact, type DbTarget } from './db-url.js';
import { quoteIdent } from './identifiers.js';
import type { SqlDriver } from './sql-driver.js';
import { leaseDriver, type DriverLease } from './shared-drivers.js';
import { compileParamTemplate, lookupStatement } from './sql-queries.js';
import { sourceQuery, type SourceQuery } from './source-query.js';

export const sqlSourceSchema: ConfigSchema = {
  dburl: { type: 'string', description: 'mysql://user:pass@host:3306/db, postgres://user@host:5432/db or sqlite:/path/file.db' },
  url: { type: 'string', description: 'alias of dburl' },
  datasource: { type: 'string', default: '', description: 'the table' },
  interval: { type: 'duration', default: 10000, minimum: 1, description: 'time between two queries (streams and scan tables)' },
  internalSqlQueryCfg: { type: 'object', description: '{table, limit, indexFields: [{indexField, indexValue, indexFieldType, dateTimeFormat}]}' },
  templateSqlQueryCfg: { type: 'object', description: '{templateSql, indexFields}; {{.field}} values are bound as parameters' },
  lookup: { type: 'object', description: '{cache, cacheTtl, cacheMissingKey, cacheSize}' },
};

/**
 * Reads a SQL table (eKuiper's `sql` source). As a stream it is pulled every `interval`:
 * each tick runs one query and hands over each row as its own event, reading only new rows
 * when index fields are configured (the index values are its checkpointed offset; they are
 * bigint, number, string or Date values, so checkpoints must keep those types). As a
 * lookup table it answers `lookup` with a parameterized `SELECT ... WHERE key = ?`.
 *
 * @example
 * ```sql
 * CREATE TABLE devices () WITH (TYPE="sql", KIND="lookup", DATASOURCE="devices", CONF_KEY="mysql")
 * ```
 */
export class SqlSource implements Source {
  private target!: DbTarget;
  private url = '';
  private datasource = '';
  private query!: SourceQuery;
  private props: Record<string, unknown> = {};
  private lease: DriverLease | undefined;
  private closed = false;
  private busy = false;
  private lookupFn!: LookupFn;
  private lookupTemplate: ((values: Record<string, unknown>) => { sql: string; params: unknown[] }) | undefined;

  provision(ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(sqlSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.url = String(p.dburl || p.url || '');
    if (!this.url) throw new ConfigError('dburl should be defined');
    this.target = parseDbUrl(this.url);
    this.datasource = p.datasource as string;
    this.props = p;
    this.query = sourceQuery(this.target.dialect, this.datasource, p.internalSqlQueryCfg, p.templateSqlQueryCfg);
    const tpl = p.templateSqlQueryCfg as { templateSql?: unknown } | undefined;
    this.lookupTemplate = typeof tpl?.templateSql === 'string' ? compileParamTemplate(this.target.dialect, tpl.templateSql) : undefined;
    this.lookupFn = cachedLookup(ctx.clock, parseLookupOptions(props), (f, k, v) => this.fetch(f, k, v));
  }

  async connect(_ctx: StreamContext, io: SourceIO): Promise<void> {
    await (await this.open()).ping();
    io.status('connected');
  }

  async pull(_ctx: StreamContext, trigger: number, io: SourceIO): Promise<void> {
    // a slow query is not stacked up: a tick that finds the previous one running is skipped
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      const driver = await this.open();
      const st = this.query.statement();
      const rows = await driver.query(st.sql, st.params);
      for (const row of rows) {
        if (this.closed) return;
        this.query.observe(row);
        // the engine's queue is full: an incremental query stops here and the next tick
        // reads on from this row, so nothing is lost and nothing piles up
        if (!io.tuple(row, undefined, trigger) && this.query.incremental) return;
      }
    } finally {
      this.busy = false;
    }
  }

  offset(): unknown {
    return this.query.offset();
  }

  rewind(offset: unknown): void {
    this.query.rewind(offset);
  }

  lookup(_ctx: StreamContext, fields: string[], keys: string[], values: unknown[]): Promise<Row[]> {
    return this.lookupFn(fields, keys, values);
  }

  private async fetch(fields: string[], keys: string[], values: unknown[]): Promise<Row[]> {
    if (!keys.length) throw new ConfigError('sql lookup needs at least one key');
    // `col = NULL` matches nothing in SQL; skip the round trip
    if (values.some((v) => v === null || v === undefined)) return [];
    const driver = await this.open();
    let st;
    if (this.lookupTemplate) {
      st = this.lookupTemplate(Object.fromEntries(keys.map((k, i) => [k, values[i]])));
    } else {
      const table = this.datasource || String((this.props.internalSqlQueryCfg as { table?: unknown } | undefined)?.table ?? '');
      if (!table) throw new ConfigError('sql lookup table needs DATASOURCE (the table name)');
      st = lookupStatement(this.target.dialect, quoteIdent(this.target.dialect, table, 'table', true), fields, keys, values);
    }
    return driver.query(st.sql, st.params);
  }

  private open(): Promise<SqlDriver> {
    if (this.closed) return Promise.reject(new Error('sql source is closed'));
    if (!this.lease) {
      const lease = leaseDriver(this.url, this.target);
      this.lease = lease;
      lease.driver.catch(() => {
        if (this.lease === lease) this.lease = undefined;
        void lease.release();
      });
    }
    return this.lease.driver;
  }

  async close(_ctx?: StreamContext): Promise<void> {
    this.closed = true;
    const l = this.lease;
    this.lease = undefined;
    await l?.release();
  }

  toString(): string {
    return `sql source ${redact(this.url)}`;
  }
}
