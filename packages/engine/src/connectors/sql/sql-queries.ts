import { ConfigError } from '@oort/sdk';
import { compileTemplate } from '../../template/index.js';
import type { Dialect } from './db-url.js';
import { isSafeIdentifier, placeholder, quoteIdent } from './identifiers.js';
import type { Statement } from './sql-driver.js';

/**
 * `SELECT <fields|*> FROM <table> WHERE k1 = ? AND ...`: identifiers validated and quoted,
 * values always bound. Fields are selected only when all are plain identifiers.
 */
export function lookupStatement(dialect: Dialect, table: string, fields: readonly string[], keys: readonly string[], values: readonly unknown[]): Statement {
  const cols = fields.length && fields.every(isSafeIdentifier) ? fields.map((f) => quoteIdent(dialect, f)).join(', ') : '*';
  const where = keys.map((k, i) => `${quoteIdent(dialect, k, 'lookup key')} = ${placeholder(dialect, i)}`).join(' AND ');
  return { sql: `SELECT ${cols} FROM ${table} WHERE ${where}`, params: [...values] };
}

const MARK = '\u0000oort_param_';
const MARK_RE = /'?\u0000oort_param_(\d+)\u0000'?/g;

/**
 * A user-written SQL template (`{{.field}}` placeholders, Go template syntax) turned into a
 * parameterized statement: each `{{.key}}` becomes a bind placeholder (quotes written around
 * it in the template are dropped), so values never become SQL text.
 */
export function compileParamTemplate(dialect: Dialect, text: string): (values: Record<string, unknown>) => Statement {
  let render: (d: unknown) => string;
  try {
    render = compileTemplate(text);
  } catch (e) {
    throw new ConfigError(`invalid templateSql: ${(e as Error).message}`);
  }
  return (values) => {
    const bound: unknown[] = [];
    const marked: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      marked[k] = `${MARK}${bound.length}\u0000`;
      bound.push(v);
    }
    const params: unknown[] = [];
    const sql = render(marked).replace(MARK_RE, (_m, i: string) => {
      params.push(bound[Number(i)]);
      return placeholder(dialect, params.length - 1);
    });
    return { sql, params };
  };
}

/** Multi-row `INSERT INTO t (c1, c2) VALUES (?, ?), (?, ?)` for rows already in column order. */
export function insertStatement(dialect: Dialect, table: string, cols: readonly string[], rows: readonly unknown[][]): Statement {
  const params: unknown[] = [];
  const tuples = rows.map((r) => {
    const ph = r.map((v) => {
      params.push(v);
      return placeholder(dialect, params.length - 1);
    });
    return `(${ph.join(', ')})`;
  });
  return { sql: `INSERT INTO ${table} (${cols.map((c) => quoteIdent(dialect, c, 'column')).join(', ')}) VALUES ${tuples.join(', ')}`, params };
}

/** `UPDATE t SET c = ? ... WHERE key = ?` (the key column itself is not set). */
export function updateStatement(dialect: Dialect, table: string, cols: readonly string[], values: readonly unknown[], keyField: string, key: unknown): Statement | undefined {
  const params: unknown[] = [];
  const sets: string[] = [];
  cols.forEach((c, i) => {
    if (c === keyField) return;
    params.push(values[i]);
    sets.push(`${quoteIdent(dialect, c, 'column')} = ${placeholder(dialect, params.length - 1)}`);
  });
  if (!sets.length) return undefined;
  params.push(key);
  return { sql: `UPDATE ${table} SET ${sets.join(', ')} WHERE ${quoteIdent(dialect, keyField, 'keyField')} = ${placeholder(dialect, params.length - 1)}`, params };
}

export function deleteStatement(dialect: Dialect, table: string, keyField: string, key: unknown): Statement {
  return { sql: `DELETE FROM ${table} WHERE ${quoteIdent(dialect, keyField, 'keyField')} = ${placeholder(dialect, 0)}`, params: [key] };
}

/**
 * Insert, or update the existing row with the same key: `ON DUPLICATE KEY UPDATE` in MySQL,
 * `ON CONFLICT (key) DO UPDATE` in PostgreSQL and SQLite (the key needs a unique index).
 */
export function upsertStatement(dialect: Dialect, table: string, cols: readonly string[], values: readonly unknown[], keyField: string): Statement {
  const ins = insertStatement(dialect, table, cols, [values as unknown[]]);
  const others = cols.filter((c) => c !== keyField).map((c) => quoteIdent(dialect, c, 'column'));
  if (dialect === 'mysql') {
    const sets = others.length ? others.map((c) => `${c} = VALUES(${c})`) : [`${quoteIdent(dialect, keyField)} = ${quoteIdent(dialect, keyField)}`];
    return { sql: `${ins.sql} ON DUPLICATE KEY UPDATE ${sets.join(', ')}`, params: ins.params };
  }
  const conflict = `ON CONFLICT (${quoteIdent(dialect, keyField, 'keyField')})`;
  return { sql: others.length ? `${ins.sql} ${conflict} DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : `${ins.sql} ${conflict} DO NOTHING`, params: ins.params };
}
