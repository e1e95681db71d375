import type { Expr, Pos, TimeUnit, WindowSpec, WindowType } from './ast.js';
import { TIME_UNIT_MS, WINDOW_NAMES } from './dialect.js';
import { parseExpr, parseExprList } from './expression-parser.js';
import type { TokenCursor } from './token-cursor.js';

/** True when the cursor is at `<window name> (`. */
export function atWindow(c: TokenCursor): boolean {
  const t = c.peek();
  return t.type === 'ident' && WINDOW_NAMES[t.value.toLowerCase()] !== undefined && c.isOp('(', 1);
}

/**
 * `TUMBLINGWINDOW(unit, len)`, `HOPPINGWINDOW(unit, len, hop)`, `SLIDINGWINDOW(unit, len[, delay])`,
 * `SESSIONWINDOW(unit, maxDur, timeout)`, `COUNTWINDOW(n[, hop])`, `STATEWINDOW(c)` or
 * `STATEWINDOW(begin, emit)`, then optional `FILTER (WHERE c)` and `OVER (WHEN c | PARTITION BY ...)`.
 * Checks the arguments as eKuiper's `validateWindows` does and converts time lengths to ms.
 */
export function parseWindow(c: TokenCursor): WindowSpec {
  const nameTok = c.next();
  const name = nameTok.value.toLowerCase();
  const type = WINDOW_NAMES[name]!;
  c.op('(');
  let args: Expr[] = [];
  if (!c.acceptOp(')')) {
    c.expect('expression');
    args = parseExprList(c);
    c.op(')');
  }
  let spec = toSpec(c, nameTok.pos, name, type, args);
  if (c.acceptKeyword('FILTER')) {
    c.op('(');
    c.keyword('WHERE');
    spec = { ...spec, filter: parseExpr(c) };
    c.op(')');
  }
  if (c.acceptKeyword('OVER')) {
    c.op('(');
    let trigger: Expr | undefined;
    let partitionBy: Expr[] | undefined;
    for (;;) {
      if (trigger === undefined && c.acceptKeyword('WHEN')) trigger = parseExpr(c);
      else if (partitionBy === undefined && c.acceptKeyword('PARTITION')) {
        c.keyword('BY');
        partitionBy = parseExprList(c);
      } else break;
    }
    c.op(')');
    if (trigger !== undefined) spec = { ...spec, trigger };
    if (partitionBy !== undefined) spec = { ...spec, partitionBy };
  }
  return spec;
}

const ORDINALS = ['1st', '2nd', '3rd'];

function toSpec(c: TokenCursor, pos: Pos, name: string, type: WindowType, args: Expr[]): WindowSpec {
  const base = { kind: 'Window' as const, pos, type, partitionBy: [] as Expr[] };
  const fail = (at: Pos, detail: string): never => c.error(at, name, detail);
  const integer = (i: number): number => {
    const a = args[i]!;
    if (a.kind !== 'IntegerLiteral') fail(a.pos, `The ${ORDINALS[i]} argument for ${name} is expecting integer literal expression`);
    const v = (a as { value: bigint }).value;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail(a.pos, `The ${ORDINALS[i]} argument for ${name} is too large`);
    return Number(v);
  };
  const arity = (ok: boolean, expected: string): void => {
    if (!ok) fail(pos, `The arguments for ${name} should be ${expected}`);
  };
  const positive = (i: number, what: string, v: number): void => {
    if (v <= 0) fail(args[i]!.pos, `The ${what} of ${name} must be greater than 0`);
  };

  if (type === 'state') {
    arity(args.length === 1 || args.length === 2, '1 or 2');
    return args.length === 1 ? { ...base, beginCond: args[0]! } : { ...base, beginCond: args[0]!, emitCond: args[1]! };
  }
  if (type === 'count') {
    arity(args.length === 1 || args.length === 2, '1 or 2');
    const length = integer(0);
    positive(0, 'size', length);
    if (args.length === 1) return { ...base, length };
    const hop = integer(1);
    positive(1, 'hop', hop);
    if (hop > length) fail(args[1]!.pos, `The second parameter value ${hop} should be less than the first parameter ${length}`);
    return { ...base, length, interval: hop };
  }

  const expected = type === 'tumbling' ? [2] : type === 'sliding' ? [2, 3] : [3];
  arity(expected.includes(args.length), expected.join(' or '));
  const unitArg = args[0]!;
  if (unitArg.kind !== 'TimeUnitLiteral') {
    fail(unitArg.pos, `The 1st argument for ${name} is expecting timer literal expression. One value of [dd|hh|mi|ss|ms]`);
  }
  const unit = (unitArg as { unit: TimeUnit }).unit;
  const ms = (i: number, what: string, allowZero = false): number => {
    const v = integer(i);
    if (!allowZero) positive(i, what, v);
    else if (v < 0) fail(args[i]!.pos, `The ${what} of ${name} must not be negative`);
    const r = v * TIME_UNIT_MS[unit];
    if (!Number.isSafeInteger(r)) fail(args[i]!.pos, `The ${ORDINALS[i]} argument for ${name} is too large`);
    return r;
  };
  const length = ms(1, type === 'session' ? 'max duration' : 'length');
  switch (type) {
    case 'tumbling':
      return { ...base, unit, length };
    case 'hopping':
      return { ...base, unit, length, interval: ms(2, 'hop') };
    case 'session':
      return { ...base, unit, length, interval: ms(2, 'timeout') };
    default:
      return args.length === 3 ? { ...base, unit, length, delay: ms(2, 'delay', true) } : { ...base, unit, length };
  }
}
