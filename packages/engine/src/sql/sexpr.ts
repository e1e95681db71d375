import type { Expr, ExprKind, OverClause, SelectField, SortField } from './ast.js';
import { printFloat, printIdent } from './printer.js';

/*
 * A compact, fully parenthesized form of an expression tree, used by golden tests and debugging
 * output to show structure at a glance: `a + b * c` → `(+ a (* b c))`.
 *
 *   5  1.5  "s"  true  #SS            literals (floats always show a `.`; time units a `#`)
 *   a  s.a  *  s.*                    columns and wildcards
 *   (* except(a b) replace(...))     wildcard with EXCEPT / REPLACE
 *   (+ a b)  (AND a b)                binary operators
 *   (paren a)                         explicit parentheses
 *   (-> a b)  ([] a 0)  ([:] a 1 _)   key access, index, slice (`_` = absent bound)
 *   f(a b)  f() over(partition(a) order(b desc) when(c))
 *   meta:topic  meta:s.topic->a->b  meta:*
 *   (case v (when c r) (else e))      `_` for no value
 *   (in a (1 2))  (not-in a arr)  (between a 1 2)  (not-like a "x%")
 */
export function sexpr(e: Expr): string {
  return (FORMATTERS[e.kind] as (e: Expr) => string)(e);
}

type Formatters = { [K in ExprKind]: (e: Extract<Expr, { kind: K }>) => string };

const opt = (e: Expr | undefined): string => (e === undefined ? '_' : sexpr(e));

const FORMATTERS: Formatters = {
  IntegerLiteral: (e) => e.value.toString(),
  NumberLiteral: (e) => printFloat(e.value),
  StringLiteral: (e) => JSON.stringify(e.value),
  BooleanLiteral: (e) => String(e.value),
  TimeUnitLiteral: (e) => `#${e.unit}`,
  FieldRef: (e) => (e.stream === undefined ? printIdent(e.name) : `${printIdent(e.stream)}.${printIdent(e.name)}`),
  Wildcard: (e) => {
    const head = e.stream === undefined ? '*' : `${printIdent(e.stream)}.*`;
    if (e.except.length === 0 && e.replace.length === 0) return head;
    const parts = [head];
    if (e.except.length > 0) parts.push(`except(${e.except.map(printIdent).join(' ')})`);
    if (e.replace.length > 0) parts.push(`replace(${e.replace.map(selectField).join(' ')})`);
    return `(${parts.join(' ')})`;
  },
  MetaRef: (e) => `meta:${e.stream === undefined ? '' : `${printIdent(e.stream)}.`}${e.name === '*' ? '*' : printIdent(e.name)}${e.path.map((p) => `->${printIdent(p)}`).join('')}`,
  BinaryExpr: (e) => `(${e.op} ${sexpr(e.lhs)} ${sexpr(e.rhs)})`,
  ParenExpr: (e) => `(paren ${sexpr(e.expr)})`,
  JsonAccess: (e) => `(-> ${sexpr(e.expr)} ${printIdent(e.key)})`,
  IndexExpr: (e) => `([] ${sexpr(e.expr)} ${sexpr(e.index)})`,
  SliceExpr: (e) => `([:] ${sexpr(e.expr)} ${opt(e.start)} ${opt(e.end)})`,
  Call: (e) => `${e.name}(${e.args.map(sexpr).join(' ')})${e.over === undefined ? '' : ` ${over(e.over)}`}`,
  CaseExpr: (e) => {
    const parts = ['case', opt(e.value), ...e.whens.map((w) => `(when ${sexpr(w.when)} ${sexpr(w.then)})`)];
    if (e.else !== undefined) parts.push(`(else ${sexpr(e.else)})`);
    return `(${parts.join(' ')})`;
  },
  InExpr: (e) => `(${e.not ? 'not-in' : 'in'} ${sexpr(e.expr)} ${e.list !== undefined ? `(${e.list.map(sexpr).join(' ')})` : sexpr(e.array!)})`,
  BetweenExpr: (e) => `(${e.not ? 'not-between' : 'between'} ${sexpr(e.expr)} ${sexpr(e.low)} ${sexpr(e.high)})`,
  LikeExpr: (e) => `(${e.not ? 'not-like' : 'like'} ${sexpr(e.expr)} ${sexpr(e.pattern)})`,
};

function over(o: OverClause): string {
  const parts: string[] = [];
  if (o.partitionBy.length > 0) parts.push(`partition(${o.partitionBy.map(sexpr).join(' ')})`);
  if (o.orderBy.length > 0) parts.push(`order(${o.orderBy.map(sortField).join(' ')})`);
  if (o.when !== undefined) parts.push(`when(${sexpr(o.when)})`);
  return `over(${parts.join(' ')})`;
}

function sortField(s: SortField): string {
  return s.ascending ? sexpr(s.expr) : `${sexpr(s.expr)} desc`;
}

/** `expr`, `expr as alias`, with ` invisible` and `=name` when the name is not the obvious one. */
export function selectField(f: SelectField): string {
  let s = sexpr(f.expr);
  if (f.alias !== undefined) s += ` as ${printIdent(f.alias)}`;
  if (f.invisible) s += ' invisible';
  return s;
}
