import type {
  BetweenExpr, BinaryExpr, BinaryOp, CaseExpr, Expr, ExprKind, InExpr, LikeExpr, SliceExpr,
} from '../../sql/ast.js';
import { oortError } from '../../errors.js';
import { EvalError, type EvalRow, type Evaluator } from '../tuple.js';
import { describeValue, formatValue, isMap, isSlice } from '../value.js';
import { indexAccess, jsonAccess, sliceAccess, toIndex } from './access.js';
import { compileCall } from './calls.js';
import { describeExpr } from './describe.js';
import { columnReader, defaultStreamOf, compileFieldRef, compileMeta, compileWildcardValue } from './fields.js';
import { likeToRegExp } from './like.js';
import { applyBinary, binaryValues, invalidStructuredOp, valuesEqual } from './operators.js';
import type { CompileScope } from './scope.js';

/**
 * Compiles an expression to a closure once per rule; rows never walk the AST. A per-row
 * failure throws `EvalError` with eKuiper's text. Comparisons and arithmetic have fast
 * paths for number/number operands (`temperature > 50` is one typeof check and a compare,
 * no allocation).
 */
export function compileExpr(expr: Expr, scope: CompileScope): Evaluator {
  return (COMPILERS[expr.kind] as (e: Expr, s: CompileScope) => Evaluator)(expr, scope);
}

/**
 * WHERE / HAVING: nil is false, a non-bool is an error (eKuiper: "invalid condition that
 * returns non-bool value T(v)"; the runtime prefixes "run Where error: ").
 */
export function compileCondition(expr: Expr, scope: CompileScope): (row: EvalRow) => boolean {
  const ev = compileExpr(expr, scope);
  return (row) => {
    const v = ev(row);
    if (v === true) return true;
    if (v === false || v === null || v === undefined) return false;
    throw new EvalError(`invalid condition that returns non-bool value ${describeValue(v)}`);
  };
}

type Compilers = { [K in ExprKind]: (e: Extract<Expr, { kind: K }>, scope: CompileScope) => Evaluator };

const constant = (v: unknown): Evaluator => () => v;

const COMPILERS: Compilers = {
  IntegerLiteral: (e) => constant(e.value),
  NumberLiteral: (e) => constant(e.value),
  StringLiteral: (e) => constant(e.value),
  BooleanLiteral: (e) => constant(e.value),
  TimeUnitLiteral: (e) => constant(e.unit),
  FieldRef: (e, s) => compileFieldRef(e, s),
  Wildcard: (e, s) => compileWildcardValue(e, s, (f) => compileExpr(f.expr, s)),
  MetaRef: (e, s) => compileMeta(s, e.stream, e.name, e.path),
  BinaryExpr: compileBinary,
  ParenExpr: (e, s) => compileExpr(e.expr, s),
  JsonAccess: (e, s) => {
    const base = compileExpr(e.expr, s);
    const key = e.key;
    const ic = s.ignoreCase ?? false;
    const same = columnReader(s, key);
    return (row) => jsonAccess(base(row), key, ic, () => same(row));
  },
  IndexExpr: (e, s) => {
    const base = compileExpr(e.expr, s);
    const idx = compileExpr(e.index, s);
    const what = `index ${describeExpr(e.index, defaultStreamOf(s))}`;
    return (row) => {
      const v = base(row);
      if (isMap(v)) throw invalidStructuredOp('[]', v);
      return indexAccess(v, toIndex(idx(row), what));
    };
  },
  SliceExpr: compileSlice,
  Call: (e, s) => compileCall(e, s, compileExpr),
  CaseExpr: compileCase,
  InExpr: compileIn,
  BetweenExpr: compileBetween,
  LikeExpr: compileLike,
};

function isStructured(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (isMap(v) || isSlice(v));
}

function numericLiteral(e: Expr): { num: number; big?: bigint } | undefined {
  if (e.kind === 'IntegerLiteral') return { num: Number(e.value), big: e.value };
  if (e.kind === 'NumberLiteral') return { num: e.value };
  return undefined;
}

function compileBinary(e: BinaryExpr, scope: CompileScope): Evaluator {
  const op = e.op;
  const L = compileExpr(e.lhs, scope);
  const R = compileExpr(e.rhs, scope);
  if (op === 'AND' || op === 'OR') return compileLogic(op, L, R);
  const lit = numericLiteral(e.rhs);
  if (lit !== undefined && isComparison(op)) return compareWithLiteral(op, L, lit.num, lit.big, lit.big ?? lit.num);
  const slow = (l: unknown, row: EvalRow): unknown => {
    if (isStructured(l)) throw invalidStructuredOp(op, l);
    return applyBinary(op, l, R(row));
  };
  switch (op) {
    case '>': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l > r; return applyBinary(op, l, r); } return slow(l, row); };
    case '>=': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l >= r; return applyBinary(op, l, r); } return slow(l, row); };
    case '<': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l < r; return applyBinary(op, l, r); } return slow(l, row); };
    case '<=': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l <= r; return applyBinary(op, l, r); } return slow(l, row); };
    case '=': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l === r; return applyBinary(op, l, r); } return slow(l, row); };
    case '!=': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l !== r; return applyBinary(op, l, r); } return slow(l, row); };
    case '+': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l + r; return applyBinary(op, l, r); } return slow(l, row); };
    case '-': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l - r; return applyBinary(op, l, r); } return slow(l, row); };
    case '*': return (row) => { const l = L(row); if (typeof l === 'number') { const r = R(row); if (typeof r === 'number') return l * r; return applyBinary(op, l, r); } return slow(l, row); };
    default: return (row) => slow(L(row), row);
  }
}

function isComparison(op: BinaryOp): boolean {
  return op === '>' || op === '>=' || op === '<' || op === '<=' || op === '=' || op === '!=';
}

/**
 * `x > 50`: the literal is known as both a float and (for an integer literal) a bigint, so
 * float and int fields compare without conversion or allocation.
 */
function compareWithLiteral(op: BinaryOp, L: Evaluator, n: number, big: bigint | undefined, lit: unknown): Evaluator {
  const slow = (l: unknown): unknown => {
    if (isStructured(l)) throw invalidStructuredOp(op, l);
    return applyBinary(op, l, lit);
  };
  if (big !== undefined) {
    switch (op) {
      case '>': return (row) => { const l = L(row); if (typeof l === 'number') return l > n; if (typeof l === 'bigint') return l > big; return slow(l); };
      case '>=': return (row) => { const l = L(row); if (typeof l === 'number') return l >= n; if (typeof l === 'bigint') return l >= big; return slow(l); };
      case '<': return (row) => { const l = L(row); if (typeof l === 'number') return l < n; if (typeof l === 'bigint') return l < big; return slow(l); };
      case '<=': return (row) => { const l = L(row); if (typeof l === 'number') return l <= n; if (typeof l === 'bigint') return l <= big; return slow(l); };
      case '=': return (row) => { const l = L(row); if (typeof l === 'number') return l === n; if (typeof l === 'bigint') return l === big; return slow(l); };
      default: return (row) => { const l = L(row); if (typeof l === 'number') return l !== n; if (typeof l === 'bigint') return l !== big; return slow(l); };
    }
  }
  switch (op) {
    case '>': return (row) => { const l = L(row); if (typeof l === 'number') return l > n; return slow(l); };
    case '>=': return (row) => { const l = L(row); if (typeof l === 'number') return l >= n; return slow(l); };
    case '<': return (row) => { const l = L(row); if (typeof l === 'number') return l < n; return slow(l); };
    case '<=': return (row) => { const l = L(row); if (typeof l === 'number') return l <= n; return slow(l); };
    case '=': return (row) => { const l = L(row); if (typeof l === 'number') return l === n; return slow(l); };
    default: return (row) => { const l = L(row); if (typeof l === 'number') return l !== n; return slow(l); };
  }
}

/** AND / OR: `false AND x` and `true OR x` short-circuit before the nil rule. */
function compileLogic(op: 'AND' | 'OR', L: Evaluator, R: Evaluator): Evaluator {
  if (op === 'AND') {
    return (row) => {
      const l = L(row);
      if (l === false) return false;
      if (isStructured(l)) throw invalidStructuredOp(op, l);
      const r = R(row);
      if (l === true && typeof r === 'boolean') return r;
      return applyBinary(op, l, r);
    };
  }
  return (row) => {
    const l = L(row);
    if (l === true) return true;
    if (isStructured(l)) throw invalidStructuredOp(op, l);
    const r = R(row);
    if (l === false && typeof r === 'boolean') return r;
    return applyBinary(op, l, r);
  };
}

function compileSlice(e: SliceExpr, scope: CompileScope): Evaluator {
  const base = compileExpr(e.expr, scope);
  const S = e.start ? compileExpr(e.start, scope) : undefined;
  const E = e.end ? compileExpr(e.end, scope) : undefined;
  const ds = defaultStreamOf(scope);
  const startWhat = e.start ? `colon start ${describeExpr(e.start, ds)}` : '';
  const endWhat = e.end ? `colon end ${describeExpr(e.end, ds)}` : '';
  return (row) => {
    const v = base(row);
    if (isMap(v)) throw invalidStructuredOp('[]', v);
    const s = S ? toIndex(S(row), startWhat) : 0;
    const en = E ? toIndex(E(row), endWhat) : undefined;
    return sliceAccess(v, s, en);
  };
}

function wrapCaseError(err: unknown): never {
  if (err instanceof EvalError) throw new EvalError(`evaluate case expression error: ${err.message}`);
  throw err;
}

function compileCase(e: CaseExpr, scope: CompileScope): Evaluator {
  const whens = e.whens.map((w) => ({ when: compileExpr(w.when, scope), then: compileExpr(w.then, scope) }));
  const otherwise = e.else ? compileExpr(e.else, scope) : undefined;
  if (e.value) {
    const V = compileExpr(e.value, scope);
    return (row) => {
      const v = V(row);
      for (const w of whens) {
        const wv = w.when(row);
        let eq: boolean;
        try {
          eq = valuesEqual(v, wv);
        } catch (err) {
          wrapCaseError(err);
        }
        if (eq) return w.then(row);
      }
      return otherwise ? otherwise(row) : null;
    };
  }
  return (row) => {
    for (const w of whens) {
      let c: unknown;
      try {
        c = w.when(row);
      } catch (err) {
        wrapCaseError(err);
      }
      if (c === true) return w.then(row);
    }
    return otherwise ? otherwise(row) : null;
  };
}

function compileIn(e: InExpr, scope: CompileScope): Evaluator {
  const X = compileExpr(e.expr, scope);
  const not = e.not;
  const opText = not ? 'NOT IN' : 'IN';
  const list = e.list?.map((x) => compileExpr(x, scope));
  const arr = e.array ? compileExpr(e.array, scope) : undefined;
  const member = (x: unknown, v: unknown): boolean => {
    try {
      return valuesEqual(x, v);
    } catch (err) {
      if (err instanceof EvalError) throw new EvalError(`evaluate in expression error: ${err.message}`);
      throw err;
    }
  };
  return (row) => {
    const x = X(row);
    if (isStructured(x)) throw invalidStructuredOp(opText, x);
    if (list) {
      const nil = x === null || x === undefined;
      let found = false;
      for (let i = 0; i < list.length; i++) {
        const v = list[i]!(row);
        if (!nil && !found && member(x, v)) found = true;
      }
      if (nil) return false;
      return found !== not;
    }
    const a = arr!(row);
    if (!isSlice(a)) return not;
    if (x === null || x === undefined) return false;
    for (let i = 0; i < a.length; i++) {
      const v = a instanceof Uint8Array ? BigInt(a[i]!) : a[i];
      if (member(x, v)) return !not;
    }
    return not;
  };
}

function compileBetween(e: BetweenExpr, scope: CompileScope): Evaluator {
  const X = compileExpr(e.expr, scope);
  const LO = compileExpr(e.low, scope);
  const HI = compileExpr(e.high, scope);
  const not = e.not;
  const opText = not ? 'NOT BETWEEN' : 'BETWEEN';
  const cmp = (x: unknown, b: unknown, op: BinaryOp): unknown => {
    try {
      return applyBinary(op, x, b);
    } catch (err) {
      if (err instanceof EvalError) throw new EvalError(`between operator cannot compare ${describeValue(x)} and ${describeValue(b)}`);
      throw err;
    }
  };
  return (row) => {
    const x = X(row);
    if (isStructured(x)) throw invalidStructuredOp(opText, x);
    const lo = LO(row);
    const hi = HI(row);
    if (x === null || x === undefined || lo === null || lo === undefined || hi === null || hi === undefined) return false;
    const r = cmp(x, lo, '>=') === true && cmp(x, hi, '<=') === true;
    return not ? !r : r;
  };
}

function compileLike(e: LikeExpr, scope: CompileScope): Evaluator {
  const X = compileExpr(e.expr, scope);
  const not = e.not;
  const opText = not ? 'NOT LIKE' : 'LIKE';
  let pattern: (row: EvalRow) => RegExp;
  if (e.pattern.kind === 'StringLiteral') {
    let re: RegExp;
    try {
      re = likeToRegExp(e.pattern.value);
    } catch (err) {
      throw oortError('SQL_PARSE', (err as Error).message);
    }
    pattern = () => re;
  } else {
    const P = compileExpr(e.pattern, scope);
    let lastText: string | undefined;
    let lastRe: RegExp | undefined;
    pattern = (row) => {
      const p = P(row);
      if (typeof p !== 'string') throw new EvalError(`invalid LIKE pattern, must be a string but got ${formatValue(p)}`);
      if (p !== lastText || lastRe === undefined) {
        try {
          lastRe = likeToRegExp(p);
        } catch (err) {
          throw new EvalError((err as Error).message);
        }
        lastText = p;
      }
      return lastRe;
    };
  }
  return (row) => {
    const x = X(row);
    if (isStructured(x)) throw invalidStructuredOp(opText, x);
    const re = pattern(row);
    if (typeof x !== 'string') throw new EvalError(`LIKE operator left operand expects string, but found ${formatValue(x)}`);
    return re.test(x) !== not;
  };
}
