import { toJSON } from '@oort/sdk';

/** MySQL allows at most 65535 placeholders in one prepared statement. */
const MAX_PLACEHOLDERS = 65535;

/**
 * A backtick-quoted identifier, `db.table` allowed. Backticks inside are doubled, so the
 * identifier can never end the quoting; NUL and empty parts are refused outright.
 *
 * @example
 * ```ts
 * quoteId('test.t`1') // "`test`.`t``1`"
 * ```
 */
export function quoteId(id: string, allowQualified = false): string {
  const parts = allowQualified ? id.split('.') : [id];
  for (const p of parts) {
    if (p.length === 0 || p.length > 64 || p.includes('\u0000')) throw new Error(`invalid identifier "${id}"`);
  }
  return parts.map((p) => '`' + p.replaceAll('`', '``') + '`').join('.');
}

/** One INSERT with its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Plans the INSERTs for a batch: `columns` maps column → result field (in order). Rows
 * become `VALUES (?, ?), (?, ?)` groups, split so that no statement exceeds `rowsPerStatement`
 * rows or MySQL's placeholder limit. Values are never put into the SQL text.
 */
export function insertStatements(table: string, columns: [column: string, field: string][], rows: Record<string, unknown>[], rowsPerStatement: number): Statement[] {
  if (columns.length === 0 || rows.length === 0) return [];
  const head = `INSERT INTO ${table} (${columns.map(([c]) => quoteId(c)).join(', ')}) VALUES `;
  const group = `(${columns.map(() => '?').join(', ')})`;
  const perStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PLACEHOLDERS / columns.length)));
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) for (const [, field] of columns) params.push(toParam(row[field]));
    out.push({ sql: head + new Array(chunk.length).fill(group).join(', '), params });
  }
  return out;
}

/** Oort values to what the driver binds: bigint as exact decimal text, maps and arrays as JSON text. */
export function toParam(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'object':
      if (v instanceof Date) return v;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return toJSON(v);
    default:
      return v;
  }
}
