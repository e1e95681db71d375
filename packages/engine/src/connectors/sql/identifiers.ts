import { ConfigError } from '@oort/sdk';
import type { Dialect } from './db-url.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** True for names that can be written as SQL identifiers without any risk. */
export function isSafeIdentifier(name: string): boolean {
  return IDENT.test(name) && name.length <= 64;
}

/**
 * Quotes a validated identifier for the dialect. Table names may be qualified
 * (`schema.table`). Everything that is not a plain identifier is refused, so no value of a
 * row or a property can change the statement.
 *
 * PostgreSQL folds unquoted names to lower case, so a name with capitals is left unquoted
 * (it then means what the user's unquoted `CREATE TABLE` meant); lower-case names are quoted,
 * which keeps reserved words such as `user` usable.
 */
export function quoteIdent(dialect: Dialect, name: string, what = 'identifier', qualified = false): string {
  const parts = qualified ? name.split('.') : [name];
  if (parts.length > 2 || !parts.every(isSafeIdentifier)) throw new ConfigError(`invalid ${what} ${JSON.stringify(name)}: expected [A-Za-z_][A-Za-z0-9_]*`);
  return parts.map((p) => quoteOne(dialect, p)).join('.');
}

function quoteOne(dialect: Dialect, p: string): string {
  if (dialect === 'mysql') return '`' + p + '`';
  if (dialect === 'postgres' && p !== p.toLowerCase()) return p;
  return '"' + p + '"';
}

/** The i-th (0-based) bind placeholder. */
export function placeholder(dialect: Dialect, i: number): string {
  return dialect === 'postgres' ? `$${i + 1}` : '?';
}
