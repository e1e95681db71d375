/** Mathematical functions (eKuiper `funcs_math.go`). */
import { define, fail, vNoArg, vOneNumber, vTwoInt, vTwoNumber, vLen, errInfo, notNumber, notInt, isIntArg, type Validator } from './define.js';
import { toFloat, toInt } from './cast.js';
import { formatValue } from '../runtime/value.js';

const C = 'math';

/** Go math.Round: half away from zero, exact for all doubles. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

const f = (v: unknown) => toFloat(v, 'samekind');
const nanToNil = (r: number) => (Number.isNaN(r) ? null : r);

function unary(name: string | string[], op: (x: number) => number, nanNil = true): void {
  define(C, name, {
    nil: 'nil',
    validate: vOneNumber,
    exec: (_c, a) => { const r = op(f(a[0])); return nanNil ? nanToNil(r) : r; },
  });
}

define(C, 'abs', {
  nil: 'nil',
  validate: vOneNumber,
  exec: (_c, [v]) => {
    if (typeof v === 'bigint') return v < 0n ? BigInt.asIntN(64, -v) : v;
    if (typeof v === 'number') return Math.abs(v);
    return fail('only float64 & int type are supported');
  },
});
unary('acos', Math.acos);
unary('asin', Math.asin);
unary('atan', Math.atan);
define(C, 'atan2', { nil: 'nil', validate: vTwoNumber, exec: (_c, a) => nanToNil(Math.atan2(f(a[0]), f(a[1]))) });

function bitOp(name: string, op: (x: bigint, y: bigint) => bigint): void {
  define(C, name, {
    nil: 'nil',
    validate: vTwoInt,
    exec: (_c, a) => {
      let x: bigint, y: bigint;
      try { x = toInt(a[0], 'strict'); } catch { return fail(`Expect int type for the first operand but got ${formatValue(a[0])}`); }
      try { y = toInt(a[1], 'strict'); } catch { return fail(`Expect int type for the second operand but got ${formatValue(a[1])}`); }
      return BigInt.asIntN(64, op(x, y));
    },
  });
}
bitOp('bitand', (x, y) => x & y);
bitOp('bitor', (x, y) => x | y);
bitOp('bitxor', (x, y) => x ^ y);
define(C, 'bitnot', {
  nil: 'nil',
  validate: (a) => vLen(1, a.length) ?? (notInt(a[0]) ? errInfo(0, 'int') : undefined),
  exec: (_c, a) => {
    let x: bigint;
    try { x = toInt(a[0], 'strict'); } catch { return fail(`Expect int type for operand but got ${formatValue(a[0])}`); }
    return ~x;
  },
});
unary(['ceiling', 'ceil'], Math.ceil, false);
unary('cos', Math.cos);
unary('cosh', Math.cosh);
unary('exp', Math.exp);
unary('floor', Math.floor, false);
define(C, 'ln', {
  nil: 'nil',
  validate: vOneNumber,
  exec: (_c, a) => {
    const v = f(a[0]);
    const r = Math.log(v);
    return Number.isNaN(r) ? fail(`The argument must be a strictly positive number but got ${formatValue(v)}`) : r;
  },
});
const v1or2: Validator = (a) =>
  a.length !== 1 && a.length !== 2 ? 'Expect 1 or 2 arguments only' : notNumber(a[0]) ? errInfo(0, 'number - float or int') : undefined;
define(C, 'log', {
  nil: 'nil',
  validate: v1or2,
  exec: (_c, a) => {
    const v = f(a[0]);
    const r = a.length === 1 ? Math.log10(v) : Math.log(f(a[1])) / Math.log(v);
    return Number.isNaN(r) ? fail(`The argument must be a strictly positive number but got ${formatValue(v)}`) : r;
  },
});
define(C, 'mod', { nil: 'nil', validate: vTwoNumber, exec: (_c, a) => f(a[0]) % f(a[1]) });
define(C, 'pi', { nil: 'nil', validate: vNoArg, exec: () => Math.PI });
define(C, ['power', 'pow'], { nil: 'nil', validate: vTwoNumber, exec: (_c, a) => Math.pow(f(a[0]), f(a[1])) });
define(C, 'rand', { validate: vNoArg, exec: () => Math.random() });
define(C, 'round', {
  nil: 'nil',
  validate: (a) =>
    v1or2(a) ?? (a.length === 2 && notNumber(a[1]) ? errInfo(1, 'number - float or int') : undefined),
  exec: (_c, a) => {
    let prec = 0;
    if (a.length > 1) {
      try { prec = Number(toInt(a[1], 'samekind')); } catch (e) { return fail(`The second argument must be an integer: ${(e as Error).message}`); }
    }
    const v = f(a[0]);
    const factor = Math.pow(10, prec);
    const scaled = v * factor;
    if (!Number.isFinite(scaled) || !Number.isFinite(factor)) return v;
    return goRound(scaled) / factor;
  },
});
define(C, 'sign', { nil: 'nil', validate: vOneNumber, exec: (_c, a) => { const v = f(a[0]); return v > 0 ? 1n : v < 0 ? -1n : 0n; } });
unary('sin', Math.sin);
unary('sinh', Math.sinh);
define(C, 'sqrt', {
  nil: 'nil',
  validate: vOneNumber,
  exec: (_c, a) => {
    const v = f(a[0]);
    const r = Math.sqrt(v);
    return Number.isNaN(r) ? fail(`The argument must be a positive number but got ${formatValue(v)}`) : r;
  },
});
unary('tan', Math.tan);
unary('tanh', Math.tanh);
define(C, 'cot', {
  nil: 'nil',
  validate: vOneNumber,
  exec: (_c, a) => {
    const v = f(a[0]);
    const r = Math.cos(v) / Math.sin(v);
    if (Number.isNaN(r)) return null;
    return Number.isFinite(r) ? r : fail('out-of-range error');
  },
});
unary('radians', (x) => x * (Math.PI / 180));
unary('degrees', (x) => x * (180 / Math.PI));

define(C, 'conv', {
  nil: 'nil',
  validate: (a) =>
    vLen(3, a.length) ?? (!isIntArg(a[1]) ? errInfo(1, 'integer') : !isIntArg(a[2]) ? errInfo(2, 'integer') : undefined),
  exec: (_c, a) => {
    const s = a[0] === null || a[0] === undefined ? '' : typeof a[0] === 'string' ? a[0] : formatValue(a[0]);
    let from = 0n, to = 0n;
    try { from = toInt(a[1], 'samekind'); } catch { /* Go ignores the error: 0 */ }
    try { to = toInt(a[2], 'samekind'); } catch { /* idem */ }
    return conv(s, from, to);
  },
});

const U64 = (1n << 64n) - 1n;

/** MySQL-like CONV (eKuiper `conv`): nil when a base is out of 2..36. */
function conv(str: string, fromBase: bigint, toBase: bigint): string | null {
  let signed = false, ignoreSign = false, negative = false;
  if (fromBase < 0n) { fromBase = -fromBase; signed = true; }
  if (toBase < 0n) { toBase = -toBase; ignoreSign = true; }
  if (fromBase > 36n || fromBase < 2n || toBase > 36n || toBase < 2n) return null;
  let s = validPrefix(str.trim(), Number(fromBase));
  if (s.length === 0) return '0';
  if (s[0] === '-') { negative = true; s = s.slice(1); }
  let val = 0n;
  for (const ch of s.toLowerCase()) {
    const dgt = BigInt(parseInt(ch, 36));
    val = val * fromBase + dgt;
    if (val > U64) return fail(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  }
  if (signed) {
    if (negative && val > 1n << 63n) val = 1n << 63n;
    if (!negative && val > (1n << 63n) - 1n) val = (1n << 63n) - 1n;
  }
  if (negative) val = (U64 + 1n - val) & U64;
  negative = BigInt.asIntN(64, val) < 0n;
  if (ignoreSign && negative) val = (U64 + 1n - val) & U64;
  let out = val.toString(Number(toBase));
  if (negative && ignoreSign) out = '-' + out;
  return out.toUpperCase();
}

function validPrefix(s: string, base: number): string {
  let validLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (/[0-9a-zA-Z]/.test(c)) {
      if (parseInt(c, 36) < base) validLen = i + 1;
      else break;
    } else if (c === '+' || c === '-') {
      if (i !== 0) break;
    } else break;
  }
  if (validLen > 1 && s[0] === '+') return s.slice(1, validLen);
  return s.slice(0, validLen);
}

