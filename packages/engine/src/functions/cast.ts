/**
 * eKuiper's value conversions (`pkg/cast`): strictness levels, Go-like parsing of numbers
 * and booleans, and the `cast()` target types. Errors carry eKuiper's message texts.
 */
import { EvalError } from '../runtime/tuple.js';
import { isMap } from '../runtime/value.js';
import { tv } from './define.js';
import { toTime } from './time.js';

/** STRICT: same type only; SAMEKIND: numbers between themselves; ALL: strings, bools, nil too. */
export type Strictness = 'strict' | 'samekind' | 'all';

const INT_RE = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/;

/** Go strconv.ParseInt(s, 0, 64): base from prefix; undefined when invalid or out of range. */
export function parseGoInt(s: string): bigint | undefined {
  if (!INT_RE.test(s)) return undefined;
  let neg = false;
  let t = s;
  if (t[0] === '+' || t[0] === '-') { neg = t[0] === '-'; t = t.slice(1); }
  if (t.includes('_') && !/^0[xXbBoO]/.test(t)) return undefined;
  t = t.replace(/_/g, '');
  let v: bigint;
  if (/^0[oO]/.test(t)) v = BigInt('0o' + t.slice(2));
  else if (/^0[0-7]+$/.test(t)) v = BigInt('0o' + t.slice(1));
  else v = BigInt(t);
  if (neg) v = -v;
  if (v > 9223372036854775807n || v < -9223372036854775808n) return undefined;
  return v;
}

const FLOAT_RE = /^[+-]?((\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?|\d+\.|inf|infinity|nan)$/i;

/** Go strconv.ParseFloat(s, 64) for decimal forms. */
export function parseGoFloat(s: string): number | undefined {
  if (!FLOAT_RE.test(s)) return undefined;
  const t = s.toLowerCase().replace(/_/g, '');
  if (t.endsWith('inf') || t.endsWith('infinity')) return t[0] === '-' ? -Infinity : Infinity;
  if (t.endsWith('nan')) return NaN;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

export function toInt(v: unknown, sn: Strictness, target = 'int'): bigint {
  switch (typeof v) {
    case 'bigint': return v;
    case 'number':
      if (sn !== 'strict' || Number.isInteger(v)) {
        if (Number.isFinite(v)) return BigInt(Math.trunc(v));
        return -9223372036854775808n; // Go's conversion of Inf/NaN on amd64
      }
      break;
    case 'string':
      if (sn === 'all') { const r = parseGoInt(v); if (r !== undefined) return r; }
      break;
    case 'boolean':
      if (sn === 'all') return v ? 1n : 0n;
      break;
    default:
      if ((v === null || v === undefined) && sn === 'all') return 0n;
  }
  throw new EvalError(`cannot convert ${tv(v)} to ${target}`);
}

export function toFloat(v: unknown, sn: Strictness): number {
  switch (typeof v) {
    case 'number': return v;
    case 'bigint': if (sn !== 'strict') return Number(v); break;
    case 'string':
      if (sn === 'all') { const r = parseGoFloat(v); if (r !== undefined) return r; }
      break;
    case 'boolean':
      if (sn === 'all') return v ? 1 : 0;
      break;
    default:
      if ((v === null || v === undefined) && sn === 'all') return 0;
  }
  throw new EvalError(`cannot convert ${tv(v)} to float64`);
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function floatToPlain(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, expS] = s.split(/e/i);
  const exp = Number(expS);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const pointPos = (mant.replace(/^-/, '').indexOf('.') === -1 ? mant.replace(/^-/, '').length : mant.replace(/^-/, '').indexOf('.')) + exp;
  let out: string;
  if (pointPos <= 0) out = '0.' + '0'.repeat(-pointPos) + digits;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = digits.slice(0, pointPos) + '.' + digits.slice(pointPos);
  return (neg ? '-' : '') + out;
}

export function toStr(v: unknown, sn: Strictness): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (sn === 'all') {
    switch (typeof v) {
      case 'boolean': return v ? 'true' : 'false';
      case 'number': return floatToPlain(v);
      case 'bigint': return v.toString();
      default:
        if (v === null || v === undefined) return '';
        if (v instanceof Date) return goTimeString(v);
        return tvText(v);
    }
  }
  throw new EvalError(`cannot convert ${tv(v)} to string`);
}

function tvText(v: unknown): string {
  const s = tv(v);
  return s.slice(s.indexOf('(') + 1, -1);
}

/** Go's time.Time.String() approximated in UTC. */
function goTimeString(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.?0*Z$/, ' +0000 UTC');
}

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function toBool(v: unknown, sn: Strictness): boolean {
  if (typeof v === 'boolean') return v;
  if (sn === 'all') {
    if (v === null || v === undefined) return false;
    if (typeof v === 'bigint') return v !== 0n;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') {
      if (BOOL_TRUE.has(v)) return true;
      if (BOOL_FALSE.has(v)) return false;
      throw new EvalError(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
    }
  }
  throw new EvalError(`cannot convert ${tv(v)} to bool`);
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 decoding (Go's StdEncoding); undefined when invalid. */
export function decodeBase64(s: string): Uint8Array | undefined {
  if (!B64_RE.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function toByteA(v: unknown, sn: Strictness): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    const r = decodeBase64(v);
    if (r) return r;
    if (sn !== 'strict') return new Uint8Array(Buffer.from(v, 'utf8'));
    throw new EvalError(`illegal string ${v}, must be base64 encoded string`);
  }
  throw new EvalError(`cannot convert ${tv(v)} to bytea`);
}

/** Go `[]byte(s)` of a string or bytea (`cast.ToBytes` with CONVERT_SAMEKIND). */
export function toBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'utf8'));
  return undefined;
}

/** SQL `cast(v, type)` (eKuiper `cast.ToType`). */
export function castTo(v: unknown, type: unknown): unknown {
  if (typeof type !== 'string') throw new EvalError('expect string type for type parameter');
  const wrap = <T>(f: () => T): T => {
    try { return f(); } catch (e) {
      throw new EvalError(`not supported type conversion, got error ${(e as Error).message}`);
    }
  };
  switch (type) {
    case 'bigint': return wrap(() => toInt(v, 'all'));
    case 'float': return wrap(() => toFloat(v, 'all'));
    case 'string': return wrap(() => toStr(v, 'all'));
    case 'boolean': return wrap(() => toBool(v, 'all'));
    case 'datetime': return toTime(v);
    case 'bytea': return toByteA(v, 'all');
    default: throw new EvalError('unknow type, only support bigint, float, string, boolean and datetime');
  }
}

/** Go `==` on interface values of comparable kinds (int64 ≠ float64). */
export function goEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** reflect.DeepEqual over the value model. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (goEq(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Hash key for Go map[interface{}] semantics of comparable scalars. */
export function hashKey(v: unknown): string {
  switch (typeof v) {
    case 'bigint': return 'i' + v.toString();
    case 'number': return 'f' + String(v);
    case 'string': return 's' + v;
    case 'boolean': return 'b' + v;
    default:
      if (v === null || v === undefined) return 'n';
      if (v instanceof Date) return 'd' + v.getTime();
      return 'o' + JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? 'i' + x : x));
  }
}
