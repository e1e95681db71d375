import { ConfigError, type Row } from '@oort/sdk';
import { formatTime, toTime } from '../../functions/time.js';
import type { Dialect } from './db-url.js';
import { placeholder, quoteIdent } from './identifiers.js';
import type { Statement } from './sql-driver.js';
import { compileParamTemplate } from './sql-queries.js';

/** One column the source reads incrementally: only rows with a greater value are read next time. */
interface IndexField {
  name: string;
  value: unknown;
  /** DATETIME fields with a dateTimeFormat are bound as text in that format, as eKuiper writes them. */
  format?: string;
}

/** The value bound for an index field. */
function bound(f: IndexField): unknown {
  if (f.format === undefined || f.value === null || f.value === undefined) return f.value;
  return formatTime(toTime(f.value, f.format), f.format);
}

/**
 * The query a pulling sql source runs on each tick, and the index values it remembers
 * between ticks (its checkpointed offset).
 */
export interface SourceQuery {
  /** True when index fields make each query start after the last row read. */
  readonly incremental: boolean;
  statement(): Statement;
  /** Called with each row read, in order, to advance the index values. */
  observe(row: Row): void;
  offset(): Record<string, unknown>;
  rewind(offset: unknown): void;
}

/**
 * Builds the query from `internalSqlQueryCfg {table, limit, indexFields: [{indexField,
 * indexValue, indexFieldType, dateTimeFormat}]}` (the older single `indexField` +
 * `indexValue` is accepted too) or `templateSqlQueryCfg {templateSql, indexFields}`; with
 * neither, it reads the whole DATASOURCE table each time.
 */
export function sourceQuery(dialect: Dialect, datasource: string, internal: unknown, template: unknown): SourceQuery {
  if (template !== undefined && template !== null) {
    const t = obj(template, 'templateSqlQueryCfg');
    if (typeof t.templateSql !== 'string' || !t.templateSql.trim()) throw new ConfigError('templateSqlQueryCfg.templateSql is required');
    const render = compileParamTemplate(dialect, t.templateSql);
    const fields = indexFields(t, 'templateSqlQueryCfg');
    return new Tracked(fields, () => render(Object.fromEntries(fields.map((f) => [f.name, bound(f)]))));
  }
  const c = internal === undefined || internal === null ? {} : obj(internal, 'internalSqlQueryCfg');
  const tableName = typeof c.table === 'string' && c.table ? c.table : datasource;
  if (!tableName) throw new ConfigError('sql source needs a table: DATASOURCE or internalSqlQueryCfg.table');
  const table = quoteIdent(dialect, tableName, 'table', true);
  const limit = c.limit === undefined || c.limit === null ? 0 : Number(c.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new ConfigError('internalSqlQueryCfg.limit must be a non-negative integer');
  const fields = indexFields(c, 'internalSqlQueryCfg');
  const quoted = fields.map((f) => quoteIdent(dialect, f.name, 'indexField'));
  const order = quoted.length ? ` ORDER BY ${quoted.map((q) => `${q} ASC`).join(', ')}` : '';
  const tail = order + (limit ? ` LIMIT ${limit}` : '');
  return new Tracked(fields, () => {
    const conds: string[] = [];
    const params: unknown[] = [];
    fields.forEach((f, i) => {
      // no start value: the first pull reads from the beginning
      if (f.value === undefined || f.value === null) return;
      params.push(bound(f));
      conds.push(`${quoted[i]} > ${placeholder(dialect, params.length - 1)}`);
    });
    return { sql: `SELECT * FROM ${table}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}${tail}`, params };
  });
}

class Tracked implements SourceQuery {
  private readonly initial: unknown[];
  readonly incremental: boolean;
  constructor(
    private readonly fields: IndexField[],
    private readonly build: () => Statement,
  ) {
    this.initial = fields.map((f) => f.value);
    this.incremental = fields.length > 0;
  }
  statement(): Statement {
    return this.build();
  }
  observe(row: Row): void {
    for (const f of this.fields) {
      const v = row[f.name];
      if (v === undefined || v === null) continue;
      if (f.value === undefined || f.value === null || greater(v, f.value)) f.value = v;
    }
  }
  offset(): Record<string, unknown> {
    return Object.fromEntries(this.fields.map((f) => [f.name, f.value]));
  }
  rewind(offset: unknown): void {
    const o = offset && typeof offset === 'object' ? (offset as Record<string, unknown>) : {};
    this.fields.forEach((f, i) => {
      f.value = f.name in o ? o[f.name] : this.initial[i];
    });
  }
}

function greater(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() > b.getTime();
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a > b;
  if (typeof a === 'string' && typeof b === 'string') return a > b;
  if (a instanceof Date && typeof b === 'string') return a.getTime() > new Date(b).getTime();
  return true; // types changed (e.g. a string start value against a number column): trust the database order
}

function obj(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`property ${name} must be an object`);
  return v as Record<string, unknown>;
}

function indexFields(c: Record<string, unknown>, where: string): IndexField[] {
  const raw: unknown[] = Array.isArray(c.indexFields) ? c.indexFields : [];
  if (typeof c.indexField === 'string' && c.indexField) raw.push({ indexField: c.indexField, indexValue: c.indexValue, indexFieldType: c.indexFieldType, dateTimeFormat: c.dateTimeFormat });
  return raw.map((r) => {
    const f = obj(r, `${where}.indexFields[]`);
    if (typeof f.indexField !== 'string' || !f.indexField) throw new ConfigError(`${where}: each index field needs indexField`);
    let value = f.indexValue;
    if (value === '') value = undefined;
    const datetime = String(f.indexFieldType ?? '').toUpperCase() === 'DATETIME';
    const format = datetime && typeof f.dateTimeFormat === 'string' && f.dateTimeFormat ? f.dateTimeFormat : undefined;
    if (datetime && value !== undefined && value !== null) {
      let d: Date;
      try {
        d = toTime(value, format);
      } catch (e) {
        throw new ConfigError(`${where}: indexValue ${String(value)} of ${f.indexField} is not a datetime: ${(e as Error).message}`);
      }
      if (Number.isNaN(d.getTime())) throw new ConfigError(`${where}: indexValue ${String(value)} of ${f.indexField} is not a datetime`);
      value = d;
    }
    return { name: f.indexField, value, format };
  });
}
