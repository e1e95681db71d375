/**
 * Aggregate functions (eKuiper `funcs_agg.go`, `common_array_funcs.go`). Each argument arrives
 * as the array of its values over the group. The first non-nil value decides the numeric mode
 * (int64 or float64), as in eKuiper.
 */
import { define, fail, tv, vLen, vOneArg, vOneNumber, vTwoNumber, errInfo, isBoolArg } from './define.js';
import { toFloat, toInt } from './cast.js';
import { formatValue, isMap } from '../runtime/value.js';

const C = 'aggregate';
const nn = (v: unknown) => v !== null && v !== undefined;
export const firstValid = (s: unknown[]): unknown => s.find(nn) ?? null;
export const countValid = (s: unknown[]): number => s.reduce<number>((n, v) => (nn(v) ? n + 1 : n), 0);

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function intTotal(s: unknown[]): bigint {
  let t = 0n;
  for (const v of s) {
    if (!nn(v)) continue;
    try { t += toInt(v, 'samekind', 'int64'); } catch { return fail(`requires int but found ${tv(v)}`); }
  }
  return BigInt.asIntN(64, t);
}
export function floatTotal(s: unknown[]): number {
  let t = 0;
  for (const v of s) {
    if (!nn(v)) continue;
    if (typeof v !== 'number') return fail(`requires float64 but found ${tv(v)}`);
    t += v;
  }
  return t;
}

/** max/min over an array with eKuiper's first-value typing. */
export function extreme(arr: unknown[], wantMax: boolean): unknown {
  if (arr.length === 0) return null;
  const first = firstValid(arr);
  const better = <T>(a: T, b: T) => (wantMax ? a > b : a < b);
  switch (typeof first) {
    case 'bigint': {
      let m = first;
      for (const v of arr) {
        if (!nn(v)) continue;
        let x: bigint;
        try { x = toInt(v, 'samekind', 'int64'); } catch { return fail(`requires int64 but found ${tv(v)}`); }
        if (better(x, m)) m = x;
      }
      return m;
    }
    case 'number': {
      let m = first;
      for (const v of arr) {
        if (!nn(v)) continue;
        if (typeof v !== 'number') return fail(`requires float64 but found ${tv(v)}`);
        if (better(v, m)) m = v;
      }
      return m;
    }
    case 'string': {
      let m = first;
      for (const v of arr) {
        if (!nn(v)) continue;
        if (typeof v !== 'string') return fail(`requires string but found ${tv(v)}`);
        if (better(v, m)) m = v;
      }
      return m;
    }
    default:
      if (first === null) return null;
      return fail(`found invalid arg ${tv(first)}`);
  }
}

function floatSlice(arr: unknown[]): number[] {
  const out: number[] = [];
  for (const v of arr) {
    if (!nn(v)) continue;
    if (typeof v === 'number') out.push(v);
    else if (typeof v === 'bigint') out.push(Number(v));
    else return fail(`requires float64 slice but found ${tv(arr)}`);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function variance(xs: number[], sample: boolean): number {
  const m = mean(xs);
  const ss = xs.reduce((a, x) => a + (x - m) * (x - m), 0);
  return ss / (sample ? xs.length - 1 : xs.length);
}

define(C, 'avg', {
  kind: 'aggregate', nil: 'nil', validate: vOneNumber,
  exec: (_c, a) => {
    const arr = asList(a[0]);
    const c = countValid(arr);
    if (c === 0) return null;
    const v = firstValid(arr);
    if (typeof v === 'bigint') return intTotal(arr) / BigInt(c);
    if (typeof v === 'number') return floatTotal(arr) / c;
    return fail(`run avg function error: found invalid arg ${tv(v)}`);
  },
});
define(C, 'count', { kind: 'aggregate', nil: 'nil', validate: vOneArg, exec: (_c, a) => BigInt(countValid(asList(a[0]))) });
define(C, 'max', { kind: 'aggregate', nil: 'nil', validate: vOneNumber, exec: (_c, a) => extreme(asList(a[0]), true) });
define(C, 'min', { kind: 'aggregate', nil: 'nil', validate: vOneNumber, exec: (_c, a) => extreme(asList(a[0]), false) });
define(C, 'sum', {
  kind: 'aggregate', nil: 'nil', validate: vOneNumber,
  exec: (_c, a) => {
    const arr = asList(a[0]);
    if (arr.length === 0) return null;
    const v = firstValid(arr);
    if (typeof v === 'bigint') return intTotal(arr);
    if (typeof v === 'number') return floatTotal(arr);
    if (v === null) return null;
    return fail(`run sum function error: found invalid arg ${tv(v)}`);
  },
});
define(C, 'collect', { kind: 'aggregate', validate: vOneArg, exec: (_c, a) => (a.length > 0 ? a[0] : []) });
define(C, 'merge_agg', {
  kind: 'aggregate', nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    if (!Array.isArray(a[0])) return null;
    const r: Record<string, unknown> = {};
    let any = false;
    for (const e of a[0]) if (isMap(e)) for (const k of Object.keys(e)) { r[k] = e[k]; any = true; }
    return any ? r : null;
  },
});
define(C, 'deduplicate', {
  kind: 'aggregate', nil: 'nil', withGroupRows: true,
  validate: (a) => vLen(2, a.length) ?? (!isBoolArg(a[1]) ? errInfo(1, 'bool') : undefined),
  // Internal convention: (rows, column values, all) — the compiler passes the group rows first.
  exec: (_c, a) => {
    const [rows, col, allA] = a;
    if (Array.isArray(rows) && Array.isArray(col) && Array.isArray(allA) && allA.length > 0) {
      const all = firstValid(allA);
      if (typeof all === 'boolean') {
        const seen = new Set<string>();
        const out: unknown[] = [];
        col.forEach((m, i) => {
          const k = formatValue(m);
          if (!seen.has(k)) {
            if (all || i === col.length - 1) out.push(rows[i]);
            seen.add(k);
          }
        });
        return all ? out : out.length ? out[0] : null;
      }
    }
    return fail('Invalid argument type found.');
  },
});
define(C, 'median', {
  kind: 'aggregate', nil: 'nil', validate: vOneNumber,
  exec: (_c, a) => {
    const arr = asList(a[0]);
    if (arr.length < 1) return 0n;
    const first = arr[0];
    if (typeof first === 'number') {
      const xs = floatSlice(arr).sort((x, y) => x - y);
      if (xs.length === 0) return 0n;
      const n = xs.length;
      return n % 2 === 1 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
    if (typeof first === 'bigint') {
      const xs = arr.map((v, i) => {
        try { return toInt(v, 'samekind', 'int64'); } catch (e) {
          return fail(`cannot convert ${tv(arr)} to int slice for the ${i} element: ${(e as Error).message}`);
        }
      }).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const n = xs.length;
      return n % 2 === 1 ? xs[(n - 1) / 2] : Number(xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
    return fail(`${formatValue(first)} should be number`);
  },
});

function statFn(name: string, op: (xs: number[]) => number): void {
  define(C, name, {
    kind: 'aggregate', nil: 'nil', validate: vOneNumber,
    exec: (_c, a) => {
      const arr = asList(a[0]);
      if (arr.length === 0) return null;
      const xs = floatSlice(arr);
      return xs.length === 0 ? null : op(xs);
    },
  });
}
statFn('stddev', (xs) => Math.sqrt(variance(xs, false)));
statFn('stddevs', (xs) => Math.sqrt(variance(xs, true)));
statFn('var', (xs) => variance(xs, false));
statFn('vars', (xs) => variance(xs, true));

function percentileFn(name: string, op: (sorted: number[], pct: number) => number): void {
  define(C, name, {
    kind: 'aggregate', nil: 'nil', validate: vTwoNumber,
    exec: (_c, a) => {
      if (a.length !== 2) return fail(vLen(2, a.length)!);
      const arr = asList(a[0]);
      const pArr = asList(a[1]);
      let p = 1;
      if (pArr.length > 0) {
        try { p = toFloat(firstValid(pArr), 'samekind'); } catch { return fail(`the second parameter requires float64 but found ${tv(pArr)}`); }
      }
      if (arr.length === 0) return null;
      const xs = floatSlice(arr).sort((x, y) => x - y);
      if (xs.length === 0) return null;
      return op(xs, p * 100);
    },
  });
}
// montanaflynn/stats Percentile
percentileFn('percentile_cont', (c, percent) => {
  if (c.length === 1) return c[0];
  if (percent <= 0 || percent > 100) return fail('percentile exec with error: Input is outside of range.');
  const index = (percent / 100) * c.length;
  if (Number.isInteger(index)) return c[index - 1];
  if (index > 1) { const i = Math.trunc(index); return (c[i - 1] + c[i]) / 2; }
  return fail('percentile exec with error: Input is outside of range.');
});
// montanaflynn/stats PercentileNearestRank
percentileFn('percentile_disc', (c, percent) => {
  if (percent < 0 || percent > 100) return fail('PopulationVariance exec with error: Input is outside of range.');
  if (percent === 100) return c[c.length - 1];
  const or = Math.ceil((c.length * percent) / 100);
  return or === 0 ? c[0] : c[or - 1];
});

define(C, 'last_value', {
  kind: 'aggregate', nil: 'nil',
  validate: (a) => vLen(2, a.length) ?? (!isBoolArg(a[1]) ? errInfo(1, 'bool') : undefined),
  exec: (_c, a) => {
    const arr = a[0];
    if (!Array.isArray(arr)) return fail(`the first argument to the aggregate function should be []interface but found ${tv(arr)}`);
    if (arr.length === 0) return null;
    if (!Array.isArray(a[1])) return fail(`the second argument to the aggregate function should be []interface but found ${tv(a[1])}`);
    const ignoreNull = firstValid(a[1]);
    if (typeof ignoreNull !== 'boolean') return fail(`the second parameter requires bool but found ${tv(ignoreNull)}`);
    if (ignoreNull) for (let i = arr.length - 1; i >= 0; i--) if (nn(arr[i])) return arr[i];
    return arr[arr.length - 1];
  },
});

