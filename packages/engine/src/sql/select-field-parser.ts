import type { Expr, SelectField } from './ast.js';
import { parseExpr } from './expression-parser.js';
import type { TokenCursor } from './token-cursor.js';

/**
 * `expr [AS alias] [INVISIBLE]`. The output name is the alias, else the column name for a
 * column, the function name for a call, `*` for a wildcard, else `kuiper_field_<n>` with n
 * counting such unnamed fields of the statement from 0 (eKuiper's `DEFAULT_FIELD_NAME_PREFIX`).
 */
export function parseSelectField(c: TokenCursor): SelectField {
  const pos = c.peek().pos;
  const expr = parseExpr(c);
  let alias: string | undefined;
  const as = c.acceptKeyword('AS');
  if (as !== undefined) {
    alias = c.ident('alias').value;
    if (expr.kind === 'Wildcard') c.error(as.pos, 'AS', 'alias is not supported for *');
  }
  const name = alias ?? implicitName(expr) ?? `kuiper_field_${c.unnamedFields++}`;
  const invisible = c.acceptKeyword('INVISIBLE') !== undefined;
  return alias === undefined ? { pos, expr, invisible, name } : { pos, expr, alias, invisible, name };
}

function implicitName(e: Expr): string | undefined {
  switch (e.kind) {
    case 'FieldRef':
    case 'Call':
      return e.name;
    case 'Wildcard':
      return '*';
    default:
      return undefined;
  }
}
