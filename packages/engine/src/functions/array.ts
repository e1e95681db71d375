/** Array functions (eKuiper `funcs_array.go`). Element equality is Go `==` (int64 ≠ float64). */
import { define, fail, vLen, vAtLeast, vOneArg, vAny } from './define.js';
import { goEq, hashKey, toInt, toStr } from './cast.js';
import { extreme, countValid } from './aggregate.js';
import { formatValue, isMap } from '../runtime/value.js';
import { getBuiltin } from './registry.js';

const C = 'array';
const nn = (v: unknown) => v !== null && v !== undefined;
const E1 = 'first argument should be array of interface{}';
const E2 = 'second argument should be array of interface{}';
const v2 = (a: unknown[]) => vLen(2, a.length);
const v2or3 = (a: unknown[]) => (a.length !== 2 && a.length !== 3 ? `Expect two or three arguments but found ${a.length}.` : undefined);

function arr(v: unknown, msg = E1): unknown[] {
  return Array.isArray(v) ? v : fail(msg);
}

define(C, 'array_create', { validate: vAny, exec: (_c, a) => { const r = a.filter(nn); return r.length ? r : null; } });
define(C, 'array_position', {
  validate: v2,
  exec: (_c, a) => { if (!nn(a[0])) return -1n; return BigInt(arr(a[0]).findIndex((x) => goEq(x, a[1]))); },
});
define(C, 'array_last_position', {
  validate: v2,
  exec: (_c, a) => { if (!nn(a[0])) return -1n; return BigInt(arr(a[0]).findLastIndex((x) => goEq(x, a[1]))); },
});
define(C, 'element_at', {
  nil: 'nil', validate: v2,
  exec: (_c, a) => {
    const [x, i] = a;
    if (Array.isArray(x)) {
      const idx = Number(toInt(i, 'strict'));
      if (idx >= x.length || -idx > x.length) return fail('index out of range');
      return idx >= 0 ? x[idx] : x[x.length + idx];
    }
    if (isMap(x)) {
      if (typeof i !== 'string') return fail('second argument should be string');
      return x[i] ?? null;
    }
    return fail('first argument should be []interface{} or map[string]interface{}');
  },
});
define(C, 'array_contains', {
  validate: v2,
  exec: (_c, a) => (nn(a[0]) ? arr(a[0]).some((x) => goEq(x, a[1])) : false),
});
define(C, 'array_remove', {
  validate: v2,
  exec: (_c, a) => (nn(a[0]) ? arr(a[0]).filter((x) => !goEq(x, a[1])) : null),
});
define(C, 'array_contains_any', {
  validate: v2,
  exec: (_c, a) => {
    if (!nn(a[0])) return false;
    const a1 = arr(a[0]);
    const a2 = arr(a[1], E2);
    return a1.some((x) => a2.some((y) => goEq(x, y)));
  },
});
define(C, 'array_intersect', {
  nil: 'nil', validate: v2,
  exec: (_c, a) => {
    const a1 = arr(a[0]);
    const a2 = arr(a[1], E2);
    const set = new Map<string, boolean>();
    for (const x of a1) set.set(hashKey(x), true);
    const out: unknown[] = [];
    for (const y of a2) { const k = hashKey(y); if (set.get(k)) { out.push(y); set.set(k, false); } }
    return out;
  },
});
define(C, 'array_union', {
  validate: v2,
  exec: (_c, a) => {
    const a1 = nn(a[0]) ? arr(a[0]) : [];
    const a2 = nn(a[1]) ? arr(a[1], E2) : [];
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const x of [...a1, ...a2]) { const k = hashKey(x); if (!seen.has(k)) { seen.add(k); out.push(x); } }
    return out;
  },
});
define(C, 'array_except', {
  validate: v2,
  exec: (_c, a) => {
    if (!nn(a[0])) return null;
    const a1 = arr(a[0]);
    const a2 = nn(a[1]) ? arr(a[1], E2) : [];
    const seen = new Set(a2.map(hashKey));
    const out: unknown[] = [];
    for (const x of a1) { const k = hashKey(x); if (!seen.has(k)) { out.push(x); seen.add(k); } }
    return out;
  },
});
define(C, 'array_max', { nil: 'nil', validate: vOneArg, exec: (_c, a) => extreme(arr(a[0]), true) });
define(C, 'array_min', { nil: 'nil', validate: vOneArg, exec: (_c, a) => extreme(arr(a[0]), false) });

// eKuiper asserts Go `int` here, which SQL integers (int64) never are; Oort accepts any integer.
const isInt = (v: unknown): v is bigint => typeof v === 'bigint';
define(C, 'repeat', {
  nil: 'nil', validate: v2,
  exec: (_c, a) => {
    if (!isInt(a[1])) return fail('second argument should be int');
    const n = Number(a[1]);
    if (n < 0) return fail('makeslice: len out of range');
    return new Array(n).fill(a[0]);
  },
});
define(C, 'sequence', {
  nil: 'nil', validate: v2or3,
  exec: (_c, a) => {
    if (!isInt(a[0])) return fail('first argument should be int');
    if (!isInt(a[1])) return fail('second argument should be int');
    const start = a[0], stop = a[1];
    let step: bigint;
    if (a.length === 3) {
      if (!isInt(a[2])) return fail('third argument should be int');
      step = a[2];
      if (step === 0n) return fail('invalid step: should not be zero');
    } else step = start < stop ? 1n : -1n;
    const n = (stop - start) / step + 1n;
    if (n < 0n) return fail('makeslice: len out of range');
    const out: bigint[] = [];
    for (let i = 0n; i < n; i++) out.push(start + i * step);
    return out;
  },
});
define(C, 'array_cardinality', { nil: 'zero', validate: vOneArg, exec: (_c, a) => BigInt(countValid(arr(a[0]))) });
define(C, 'array_flatten', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => { const out: unknown[] = []; for (const v of arr(a[0])) { if (Array.isArray(v)) out.push(...v); else out.push(v); } return out; },
});
define(C, 'array_distinct', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const v of arr(a[0])) {
      const hashable = !nn(v) || ['bigint', 'number', 'string', 'boolean'].includes(typeof v);
      if (!hashable) { out.push(v); continue; }
      const k = hashKey(v);
      if (!seen.has(k)) { seen.add(k); out.push(v); }
    }
    return out;
  },
});
define(C, 'array_map', {
  nil: 'nil', validate: v2,
  exec: (ctx, a) => {
    if (typeof a[0] !== 'string') return fail('first argument should be string');
    const list = arr(a[1], E2);
    const name = a[0];
    const out: unknown[] = [];
    for (const v of list) {
      const f = getBuiltin(name);
      if (!f) return fail(`unknown built-in function: ${name}.`);
      if (f.kind !== 'scalar' && f.kind !== 'intrinsic') return fail('first argument should be a scalar function.');
      if (f.validate?.([{ kind: 'expr' }])) return fail(`validate ${name} arguments failed`);
      out.push(f.exec(ctx, [v]));
    }
    return out;
  },
});
define(C, 'array_join', {
  nil: 'nil', validate: v2or3,
  exec: (_c, a) => {
    const list = arr(a[0]);
    if (typeof a[1] !== 'string') return fail('second argument should be string');
    let nullRep = '';
    if (a.length === 3) {
      if (typeof a[2] !== 'string') return fail('third argument should be string');
      nullRep = a[2];
    }
    const parts: string[] = [];
    for (const v of list) {
      if (!nn(v)) { if (nullRep.length) parts.push(nullRep); continue; }
      let s: string;
      try { s = toStr(v, 'all'); } catch { return fail('array elements should be string'); }
      parts.push(s);
    }
    return parts.join(a[1]);
  },
});
define(C, 'array_shuffle', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    const out = [...arr(a[0])];
    for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [out[i], out[j]] = [out[j], out[i]]; }
    return out;
  },
});
define(C, 'array_sort', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    if (!Array.isArray(a[0])) return fail('array elements should be array');
    if (a[0].length <= 1) return a[0];
    return [...a[0]].map((v) => [formatValue(v), v] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map((x) => x[1]);
  },
});
define(C, 'array_concat', {
  validate: (a) => vAtLeast(1, a.length),
  exec: (_c, a) => {
    let out: unknown[] | null = null;
    for (const v of a) {
      if (!nn(v)) continue;
      if (!Array.isArray(v)) return fail('array elements should be array');
      out = [...(out ?? []), ...v];
    }
    return out;
  },
});
define(C, 'kvpair_array_to_obj', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    const obj: Record<string, unknown> = {};
    for (const item of arr(a[0])) {
      if (!isMap(item)) return fail('array item should be map[string]interface{}');
      const keys = Object.keys(item);
      if (keys.length !== 2 || !('key' in item) || !('value' in item) || typeof item.key !== 'string') {
        return fail('array item should be key-value pair');
      }
      obj[item.key] = item.value;
    }
    return obj;
  },
});
define(C, 'cardinality', { nil: 'zero', validate: vOneArg, exec: (_c, a) => (Array.isArray(a[0]) ? BigInt(a[0].length) : 0n) });
