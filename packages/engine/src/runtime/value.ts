/**
 * Value helpers shared by the expression compiler and the function library.
 * Model: int64 = bigint, float64 = number, datetime = Date, bytea = Uint8Array,
 * array = unknown[], map = plain object, nil = null | undefined.
 */

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** Go type name used in eKuiper's error texts: int64, float64, string, bool, ... */
export function typeName(v: unknown): string {
  switch (typeof v) {
    case 'bigint': return 'int64';
    case 'number': return 'float64';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'undefined': return '<nil>';
    default:
      if (v === null) return '<nil>';
      if (v instanceof Date) return 'time.Time';
      if (v instanceof Uint8Array) return '[]uint8';
      if (Array.isArray(v)) return '[]interface {}';
      return 'map[string]interface {}';
  }
}

/** Go's `%v` text of a value (used by concat, group keys, error texts). */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'bigint': return v.toString();
    case 'number': return formatFloat(v);
    case 'string': return v;
    case 'boolean': return v ? 'true' : 'false';
    case 'undefined': return '<nil>';
    default:
      if (v === null) return '<nil>';
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return '[' + Array.from(v).join(' ') + ']';
      if (Array.isArray(v)) return '[' + v.map(formatValue).join(' ') + ']';
      return 'map[' + Object.keys(v as object).sort().map((k) => `${k}:${formatValue((v as Record<string, unknown>)[k])}`).join(' ') + ']';
  }
}

/** Go's `%v` / strconv 'g'-like shortest text of a float64. */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    // Go %v uses exponent form with at least two exponent digits: 1e-05, 1e+21
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/** True for bigint or number. */
export function isNumber(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** int64 wrap-around as Go does on overflow. */
export function wrapInt(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Go's `%T(%v)` text of a value, as eKuiper's error messages print operands. */
export function describeValue(v: unknown): string {
  return `${typeName(v)}(${formatValue(v)})`;
}

/** True for arrays and byte arrays (Go slices). */
export function isSlice(v: unknown): v is unknown[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/**
 * Order of two strings by their UTF-8 bytes (Go's string comparison). JS compares UTF-16
 * code units, which differs only when a surrogate meets a unit >= 0xE000.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
