import { EvalError } from '../tuple.js';
import { describeValue, formatValue, isMap, isSlice } from '../value.js';

/**
 * Nested access: `a->b`, `a[i]`, `a[s:e]` with eKuiper's error texts
 * (`ValuerEval.evalJsonExpr` and `subset`).
 */

/** Reads `key` of a plain object; never returns inherited members such as `toString`. */
export function getOwn(m: Record<string, unknown>, key: string, ignoreCase: boolean): unknown {
  const v = m[key];
  if (v !== undefined) return Object.hasOwn(m, key) ? v : undefined;
  if (ignoreCase) {
    const lower = key.toLowerCase();
    for (const k of Object.keys(m)) if (k.toLowerCase() === lower) return m[k];
  }
  return undefined;
}

/** Field names that plain objects inherit: lookups of these need an own-property check. */
export function isInheritedName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * `v->key`. nil gives nil; a map gives its key (missing → nil); an array is an error; any
 * other value is eKuiper's "invalid operation" error, whose right operand is the row's
 * field of the same name (eKuiper evaluates the key as a column there).
 */
export function jsonAccess(v: unknown, key: string, ignoreCase: boolean, sameNamedField: () => unknown): unknown {
  if (isMap(v)) return getOwn(v, key, ignoreCase);
  if (v === null || v === undefined) return null;
  if (isSlice(v)) throw new EvalError(`the result ${formatValue(v)} is not a type of map[string]interface{}`);
  throw new EvalError(`invalid operation ${describeValue(v)} -> ${describeValue(sameNamedField())}`);
}

/** Converts an index or slice bound like `cast.ToInt(_, CONVERT_SAMEKIND)`. */
/** `what` is eKuiper's prefix with the index expression's text, e.g. `index a`. */
export function toIndex(v: unknown, what: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  throw new EvalError(`${what} is not int: cannot convert ${describeValue(v)} to int`);
}

function element(v: unknown[] | Uint8Array, i: number): unknown {
  return v instanceof Uint8Array ? BigInt(v[i]!) : v[i];
}

function checkStructured(v: unknown, start: number, end: number): void {
  if (isMap(v)) throw new EvalError('[] is an invalid operation for map[string]interface {}');
  throw new EvalError(`invalid operation ${describeValue(v)} [] *xsql.BracketEvalResult(&{${start} ${end}})`);
}

/** `v[i]`: 0-based, negative from the end, out of range is an error, nil gives nil. */
export function indexAccess(v: unknown, i: number): unknown {
  if (Array.isArray(v) || v instanceof Uint8Array) {
    const len = v.length;
    if (i < 0) {
      if (i + len < 0) throw new EvalError(`out of index: ${i} of ${len}`);
      return element(v, i + len);
    }
    if (i >= len) throw new EvalError(`out of index: ${i} of ${len}`);
    return element(v, i);
  }
  if (v === null || v === undefined) return null;
  checkStructured(v, i, i);
  return undefined;
}

/** `v[s:e]` with `end === undefined` meaning "to the end". */
export function sliceAccess(v: unknown, start: number, end: number | undefined): unknown {
  if (Array.isArray(v) || v instanceof Uint8Array) {
    const len = v.length;
    let s = start;
    if (s < 0) {
      if (s + len < 0) throw new EvalError(`out of index: ${s} of ${len}`);
      s += len;
    } else if (s >= len) {
      throw new EvalError(`start value is out of index: ${s} of ${len}`);
    }
    let e: number;
    if (end === undefined) {
      e = len;
    } else if (end < 0) {
      if (end + len < 0) throw new EvalError(`out of index: ${end} of ${len}`);
      e = end + len;
    } else if (end > len) {
      throw new EvalError(`end value is out of index: ${end} of ${len}`);
    } else if (s >= end) {
      throw new EvalError(`start cannot be greater than end. start:${s}  end:${end}`);
    } else {
      e = end;
    }
    if (s > e) throw new EvalError(`start cannot be greater than end. start:${s}  end:${e}`);
    return v.slice(s, e);
  }
  if (v === null || v === undefined) return null;
  checkStructured(v, start, end ?? -2147483648);
  return undefined;
}
