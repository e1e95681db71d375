import type { Expr, Join, JoinType, SelectField, SelectStatement, SortField, SourceRef, WindowSpec } from './ast.js';
import { parseExpr, parseSortFields } from './expression-parser.js';
import { parseSelectField } from './select-field-parser.js';
import type { TokenCursor } from './token-cursor.js';
import { atWindow, parseWindow } from './window-parser.js';

const JOIN_TYPES: readonly JoinType[] = ['INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS'];

/**
 * `SELECT fields FROM src [AS a] [joins] [WHERE c] [GROUP BY dims] [HAVING c] [ORDER BY ...] [LIMIT n]`,
 * clauses in exactly this order (eKuiper has no subqueries, UNION, DISTINCT or OFFSET).
 */
export function parseSelectStatement(c: TokenCursor): SelectStatement {
  const pos = c.keyword('SELECT').pos;
  const fields: SelectField[] = [];
  do fields.push(parseSelectField(c));
  while (c.acceptOp(','));
  c.keyword('FROM');
  const from = parseSourceRef(c);
  const joins = parseJoins(c);

  let where: Expr | undefined;
  if (c.acceptKeyword('WHERE')) where = parseExpr(c);

  const dimensions: Expr[] = [];
  let window: WindowSpec | undefined;
  if (c.acceptKeyword('GROUP')) {
    c.keyword('BY');
    do {
      if (atWindow(c)) {
        const t = c.peek();
        if (window !== undefined) c.error(t.pos, t.text, 'only one window is allowed in GROUP BY');
        window = parseWindow(c);
      } else {
        dimensions.push(parseExpr(c));
      }
    } while (c.acceptOp(','));
  }

  let having: Expr | undefined;
  if (c.acceptKeyword('HAVING')) having = parseExpr(c);

  let orderBy: SortField[] = [];
  if (c.acceptKeyword('ORDER')) {
    c.keyword('BY');
    orderBy = parseSortFields(c);
  }

  let limit: number | undefined;
  if (c.acceptKeyword('LIMIT')) {
    const t = c.peek();
    if (t.type !== 'integer') c.fail('non-negative integer');
    c.next();
    limit = Math.min(Number(t.value), Number.MAX_SAFE_INTEGER);
  }

  return {
    kind: 'Select', pos, fields, from, joins, dimensions, orderBy,
    ...(where === undefined ? {} : { where }),
    ...(window === undefined ? {} : { window }),
    ...(having === undefined ? {} : { having }),
    ...(limit === undefined ? {} : { limit }),
  };
}

/**
 * A source name with optional `AS alias`. Besides an identifier, eKuiper accepts legacy MQTT
 * topic-like names joined from `/`, `#` and `+` tokens (`FROM topic/sensor1`).
 */
function parseSourceRef(c: TokenCursor): SourceRef {
  const first = c.peek();
  if (first.type !== 'ident' && !isTopicOp(c)) c.fail('source name');
  let name = '';
  let lastWasIdent = false;
  for (;;) {
    const t = c.peek();
    if (t.type === 'ident' && !lastWasIdent) {
      lastWasIdent = true;
    } else if (isTopicOp(c)) {
      lastWasIdent = false;
    } else {
      break;
    }
    name += t.value;
    c.next();
  }
  if (c.acceptKeyword('AS')) {
    const alias = c.ident('alias').value;
    return { pos: first.pos, name, alias };
  }
  return { pos: first.pos, name };
}

function isTopicOp(c: TokenCursor): boolean {
  return c.isOp('/') || c.isOp('#') || c.isOp('+');
}

function parseJoins(c: TokenCursor): Join[] {
  const joins: Join[] = [];
  for (;;) {
    const t = c.peek();
    let type: JoinType;
    if (t.type === 'keyword' && (JOIN_TYPES as readonly string[]).includes(t.value)) {
      c.next();
      type = t.value as JoinType;
      c.keyword('JOIN');
    } else if (t.type === 'keyword' && t.value === 'JOIN') {
      // A bare JOIN is an inner join (eKuiper itself requires the type word).
      c.next();
      type = 'INNER';
    } else {
      for (const j of JOIN_TYPES) c.expect(j);
      c.expect('JOIN');
      return joins;
    }
    const source = parseSourceRef(c);
    const on = c.acceptKeyword('ON');
    if (on === undefined) {
      joins.push({ pos: t.pos, type, source });
      continue;
    }
    if (type === 'CROSS') c.error(on.pos, 'ON', 'ON is not allowed for CROSS JOIN');
    joins.push({ pos: t.pos, type, source, on: parseExpr(c) });
  }
}
