import type {
  BinaryOp, CaseExpr, Call, Expr, MetaRef, OverClause, Pos, SelectField, SortField, TimeUnit, Wildcard,
} from './ast.js';
import { ANALYTIC_FUNCTIONS, META_FUNCTIONS, WINDOW_FUNCTIONS, WINDOW_NAMES } from './dialect.js';
import { parseSelectField } from './select-field-parser.js';
import type { TokenCursor } from './token-cursor.js';

/*
 * Expressions, by eKuiper's precedence (lowest first, all left-associative):
 *   OR < AND < comparison (= != < <= > >= [NOT] IN/BETWEEN/LIKE) < + - | ^ < * / % &
 * with postfix `[..]`, `->` and `.` binding tightest. (eKuiper puts postfix operators on the
 * `*` level, so `a * b[0]` means `(a * b)[0]` there, which can only fail at run time; binding
 * them tighter changes no rule that works in eKuiper.)
 */

const TIME_UNITS: ReadonlySet<string> = new Set(['DD', 'HH', 'MI', 'SS', 'MS']);
const INT64_MAX = (1n << 63n) - 1n;

export function parseExpr(c: TokenCursor): Expr {
  c.enter();
  const e = parseBinary(c, 1);
  c.leave();
  return e;
}

/** Comma-separated expressions (at least one). */
export function parseExprList(c: TokenCursor): Expr[] {
  const list = [parseExpr(c)];
  while (c.acceptOp(',')) list.push(parseExpr(c));
  return list;
}

const PRECEDENCE: Readonly<Record<string, number>> = {
  OR: 1, AND: 2,
  '=': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, IN: 3, BETWEEN: 3, LIKE: 3, NOT: 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '&': 5,
};

/** The binary operator at the cursor (not consumed), if any. */
function peekOperator(c: TokenCursor): string | undefined {
  const t = c.peek();
  if (t.type !== 'op' && t.type !== 'keyword') return undefined;
  return PRECEDENCE[t.value] === undefined ? undefined : t.value;
}

/**
 * Precedence climbing: operands joined by operators of precedence >= `minPrec`, left-associative.
 * (One function for all levels keeps the stack shallow for nested parentheses.) Each applied
 * operator counts as a level of nesting, so a very long chain is refused before visitors that
 * recurse over the tree could overflow.
 */
function parseBinary(c: TokenCursor, minPrec: number): Expr {
  let lhs = parsePostfix(c);
  let levels = 0;
  for (;;) {
    const op = peekOperator(c);
    if (op === undefined) {
      c.expect('operator');
      break;
    }
    const prec = PRECEDENCE[op]!;
    if (prec < minPrec) break;
    c.next();
    c.enter();
    levels++;
    let word = op;
    let not = false;
    if (op === 'NOT') {
      if (!c.isKeyword('IN') && !c.isKeyword('BETWEEN') && !c.isKeyword('LIKE')) {
        c.expect('IN');
        c.expect('BETWEEN');
        c.expect('LIKE');
        c.fail();
      }
      word = c.next().value;
      not = true;
    }
    switch (word) {
      case 'IN':
        if (c.acceptOp('(')) {
          const list = parseExprList(c);
          c.op(')');
          lhs = { kind: 'InExpr', pos: lhs.pos, expr: lhs, not, list };
        } else {
          lhs = { kind: 'InExpr', pos: lhs.pos, expr: lhs, not, array: parseBinary(c, 4) };
        }
        break;
      case 'BETWEEN': {
        // eKuiper reads the bounds as single operands; arithmetic bounds are accepted here too.
        const low = parseBinary(c, 4);
        c.keyword('AND');
        const high = parseBinary(c, 4);
        lhs = { kind: 'BetweenExpr', pos: lhs.pos, expr: lhs, not, low, high };
        break;
      }
      case 'LIKE':
        lhs = { kind: 'LikeExpr', pos: lhs.pos, expr: lhs, not, pattern: parseBinary(c, 4) };
        break;
      default:
        lhs = { kind: 'BinaryExpr', pos: lhs.pos, op: op as BinaryOp, lhs, rhs: parseBinary(c, prec + 1) };
    }
  }
  for (; levels > 0; levels--) c.leave();
  return lhs;
}

function parsePostfix(c: TokenCursor): Expr {
  let e = parsePrimary(c);
  let levels = 0;
  for (;;) {
    if (c.isOp('[')) {
      c.next();
      c.enter();
      levels++;
      e = parseBracket(c, e);
    } else if (c.isOp('->') || c.isOp('.')) {
      c.next();
      c.enter();
      levels++;
      const key = c.ident('key name');
      e = { kind: 'JsonAccess', pos: e.pos, expr: e, key: key.value };
    } else {
      c.expect('operator');
      break;
    }
  }
  for (; levels > 0; levels--) c.leave();
  return e;
}

/** After `[`: `]`, `i]`, `s:e]`, `s:]`, `:e]`, `:]`. */
function parseBracket(c: TokenCursor, base: Expr): Expr {
  const pos = base.pos;
  if (c.acceptOp(']')) return { kind: 'SliceExpr', pos, expr: base };
  let start: Expr | undefined;
  if (!c.acceptOp(':')) {
    c.expect('expression');
    start = parseExpr(c);
    if (c.acceptOp(']')) return { kind: 'IndexExpr', pos, expr: base, index: start };
    c.op(':');
  }
  if (c.acceptOp(']')) return start === undefined ? { kind: 'SliceExpr', pos, expr: base } : { kind: 'SliceExpr', pos, expr: base, start };
  c.expect('expression');
  const end = parseExpr(c);
  c.op(']');
  return start === undefined ? { kind: 'SliceExpr', pos, expr: base, end } : { kind: 'SliceExpr', pos, expr: base, start, end };
}

function parsePrimary(c: TokenCursor): Expr {
  const t = c.peek();
  const pos = t.pos;
  switch (t.type) {
    case 'op':
      if (t.value === '(') {
        c.next();
        const expr = parseExpr(c);
        c.op(')');
        return { kind: 'ParenExpr', pos, expr };
      }
      if (t.value === '*') {
        c.next();
        return parseWildcardTail(c, pos);
      }
      if (t.value === '-') {
        // A negative number literal (`-3`, `- 3`, `-.5`); eKuiper has no unary minus otherwise.
        const n = c.peek(1);
        if (n.type === 'integer' || n.type === 'number') {
          c.next();
          c.next();
          return numberLiteral(c, pos, n.value, n.type, true);
        }
      }
      break;
    case 'ident':
      return parseIdentifierExpr(c);
    case 'string':
      c.next();
      return { kind: 'StringLiteral', pos, value: t.value };
    case 'integer':
    case 'number':
      c.next();
      return numberLiteral(c, pos, t.value, t.type, false);
    case 'keyword':
      if (t.value === 'TRUE' || t.value === 'FALSE') {
        c.next();
        return { kind: 'BooleanLiteral', pos, value: t.value === 'TRUE' };
      }
      if (TIME_UNITS.has(t.value)) {
        c.next();
        return { kind: 'TimeUnitLiteral', pos, unit: t.value as TimeUnit };
      }
      if (t.value === 'CASE') return parseCase(c);
      break;
    default:
      break;
  }
  return c.fail('expression');
}

function numberLiteral(c: TokenCursor, pos: Pos, text: string, type: 'integer' | 'number', negative: boolean): Expr {
  if (type === 'number') {
    const v = Number(text);
    return { kind: 'NumberLiteral', pos, value: negative ? -v : v };
  }
  const v = negative ? -BigInt(text) : BigInt(text);
  if (v > INT64_MAX || v < -INT64_MAX - 1n) {
    c.error(pos, (negative ? '-' : '') + text, `integer ${negative ? '-' : ''}${text} is out of the 64-bit range`);
  }
  return { kind: 'IntegerLiteral', pos, value: v };
}

/** `name`, `s.name`, `s.*`, `f(args) [OVER (...)]`. */
function parseIdentifierExpr(c: TokenCursor): Expr {
  const t = c.next();
  const pos = t.pos;
  if (c.isOp('(')) return parseCall(c, t.value, pos);
  if (c.isOp('.')) {
    const n = c.peek(1);
    if (n.type === 'ident') {
      c.next();
      c.next();
      return { kind: 'FieldRef', pos, stream: t.value, name: n.value };
    }
    if (n.type === 'op' && n.value === '*') {
      c.next();
      c.next();
      return parseWildcardTail(c, pos, t.value);
    }
  }
  return { kind: 'FieldRef', pos, name: t.value };
}

function parseCall(c: TokenCursor, rawName: string, pos: Pos): Expr {
  const name = rawName.toLowerCase();
  if (WINDOW_NAMES[name] !== undefined) {
    c.error(pos, rawName, `window function ${name} is only allowed in GROUP BY`);
  }
  c.op('(');
  let args: Expr[];
  if (META_FUNCTIONS.has(name)) {
    args = [parseMetaKey(c)];
  } else if (c.acceptOp(')')) {
    return withOver(c, { kind: 'Call', pos, name, args: [] });
  } else {
    c.expect('expression');
    args = parseExprList(c);
  }
  c.op(')');
  return withOver(c, { kind: 'Call', pos, name, args });
}

/** `meta(key)`, `meta(s.key)`, `meta(*)`, `meta(key->a->b)`. */
function parseMetaKey(c: TokenCursor): MetaRef {
  const pos = c.peek().pos;
  if (c.acceptOp('*')) return { kind: 'MetaRef', pos, name: '*', path: [] };
  const first = c.ident('metadata key');
  let stream: string | undefined;
  let name = first.value;
  if (c.isOp('.') && c.peek(1).type === 'ident') {
    c.next();
    stream = name;
    name = c.next().value;
  }
  const path: string[] = [];
  while (c.acceptOp('->') ?? c.acceptOp('.')) path.push(c.ident('key name').value);
  return stream === undefined ? { kind: 'MetaRef', pos, name, path } : { kind: 'MetaRef', pos, stream, name, path };
}

function withOver(c: TokenCursor, call: Call): Call {
  const analytic = ANALYTIC_FUNCTIONS.has(call.name);
  const windowFn = WINDOW_FUNCTIONS.has(call.name);
  if (!c.isKeyword('OVER')) {
    if (analytic || windowFn) c.expect('OVER');
    return call;
  }
  const over = c.next();
  if (!analytic && !windowFn) c.error(over.pos, 'OVER', `Found OVER after non analytic function ${call.name}`);
  c.op('(');
  let partitionBy: Expr[] = [];
  let orderBy: SortField[] = [];
  let when: Expr | undefined;
  if (c.acceptKeyword('PARTITION')) {
    c.keyword('BY');
    partitionBy = parseExprList(c);
  }
  if (windowFn && c.acceptKeyword('ORDER')) {
    c.keyword('BY');
    orderBy = parseSortFields(c);
  }
  if (analytic && c.acceptKeyword('WHEN')) when = parseExpr(c);
  if (partitionBy.length === 0 && orderBy.length === 0 && when === undefined) c.fail();
  c.op(')');
  const clause: OverClause = when === undefined ? { partitionBy, orderBy } : { partitionBy, orderBy, when };
  return { ...call, over: clause };
}

/** After `*` or `s.*`: any number of `EXCEPT(a, ...)` and `REPLACE(expr AS a, ...)`. */
function parseWildcardTail(c: TokenCursor, pos: Pos, stream?: string): Wildcard {
  const except: string[] = [];
  const replace: SelectField[] = [];
  for (;;) {
    if (c.acceptKeyword('EXCEPT')) {
      c.op('(');
      do except.push(c.ident('column name').value);
      while (c.acceptOp(','));
      c.op(')');
    } else if (c.acceptKeyword('REPLACE')) {
      c.op('(');
      do replace.push(parseSelectField(c));
      while (c.acceptOp(','));
      c.op(')');
    } else {
      break;
    }
  }
  return stream === undefined ? { kind: 'Wildcard', pos, except, replace } : { kind: 'Wildcard', pos, stream, except, replace };
}

function parseCase(c: TokenCursor): CaseExpr {
  const pos = c.next().pos;
  let value: Expr | undefined;
  if (!c.isKeyword('WHEN')) {
    c.expect('WHEN');
    value = parseExpr(c);
  }
  const whens: { when: Expr; then: Expr }[] = [];
  c.keyword('WHEN');
  do {
    const first = c.peek();
    const when = parseExpr(c);
    if (value === undefined && !isBooleanExpr(when)) {
      c.error(when.pos, first.text, 'invalid CASE expression, WHEN expression must be a bool condition');
    }
    c.keyword('THEN');
    whens.push({ when, then: parseExpr(c) });
  } while (c.acceptKeyword('WHEN'));
  let elseExpr: Expr | undefined;
  if (c.acceptKeyword('ELSE')) elseExpr = parseExpr(c);
  c.keyword('END');
  const base = value === undefined ? { kind: 'CaseExpr' as const, pos, whens } : { kind: 'CaseExpr' as const, pos, value, whens };
  return elseExpr === undefined ? base : { ...base, else: elseExpr };
}

const BOOLEAN_OPS: ReadonlySet<string> = new Set(['AND', 'OR', '=', '!=', '<', '<=', '>', '>=']);

/** What eKuiper accepts as a searched-CASE condition (`ast.IsBooleanArg`), looking through parentheses. */
function isBooleanExpr(e: Expr): boolean {
  switch (e.kind) {
    case 'BooleanLiteral':
    case 'InExpr':
    case 'BetweenExpr':
    case 'LikeExpr':
      return true;
    case 'BinaryExpr':
      return BOOLEAN_OPS.has(e.op);
    case 'ParenExpr':
      return isBooleanExpr(e.expr);
    default:
      return false;
  }
}

/** `expr [ASC|DESC], ...`; like eKuiper, each item must start with an identifier. */
export function parseSortFields(c: TokenCursor): SortField[] {
  const fields: SortField[] = [];
  do {
    const t = c.peek();
    if (t.type !== 'ident') c.fail('identifier');
    const expr = parseExpr(c);
    let ascending = true;
    if (c.acceptKeyword('DESC')) ascending = false;
    else c.acceptKeyword('ASC');
    fields.push({ pos: t.pos, expr, ascending });
  } while (c.acceptOp(','));
  return fields;
}
