/** Object (map) functions (eKuiper `funcs_obj.go`). Key order of results is not meaningful. */
import { define, fail, errInfo, vLen, vAtLeast, vOneArg, notString } from './define.js';
import { toStr } from './cast.js';
import { formatValue, isMap } from '../runtime/value.js';

const C = 'object';
const nn = (v: unknown) => v !== null && v !== undefined;

define(C, 'keys', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, [m]) => (isMap(m) ? Object.keys(m) : fail('the argument should be map[string]interface{}')),
});
define(C, 'values', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, [m]) => (isMap(m) ? Object.values(m) : fail('the argument should be map[string]interface{}')),
});
define(C, 'object', {
  nil: 'nil', validate: (a) => vLen(2, a.length),
  exec: (_c, [keys, values]) => {
    if (!Array.isArray(keys)) return fail('first argument should be []string');
    if (!Array.isArray(values)) return fail('second argument should be []interface{}');
    if (keys.length !== values.length) return fail('the length of the arguments should be same');
    if (keys.length === 0) return null;
    const m: Record<string, unknown> = {};
    keys.forEach((k, i) => { if (typeof k !== 'string') fail('first argument should be []string'); m[k] = values[i]; });
    return m;
  },
});
define(C, 'zip', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, [lists]) => {
    const bad = 'each argument should be [][2]interface{}';
    if (!Array.isArray(lists)) return fail(bad);
    if (lists.length === 0) return null;
    const m: Record<string, unknown> = {};
    for (const item of lists) {
      if (!nn(item)) continue;
      if (!Array.isArray(item) || item.length !== 2) return fail(bad);
      if (typeof item[0] !== 'string') return fail('the first element in the list item should be string');
      m[item[0]] = item[1];
    }
    return m;
  },
});
define(C, 'items', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, [m]) => {
    if (!isMap(m)) return fail('first argument should be map[string]interface{}');
    const ks = Object.keys(m);
    return ks.length ? ks.map((k) => [k, m[k]]) : null;
  },
});
define(C, 'object_concat', {
  validate: (a) => vAtLeast(2, a.length),
  exec: (_c, a) => {
    const res: Record<string, unknown> = {};
    for (const m of a) {
      if (!nn(m)) continue;
      if (!isMap(m)) return fail(`the argument should be map[string]interface{}, got ${formatValue(m)}`);
      Object.assign(res, m);
    }
    return res;
  },
});
define(C, 'object_construct', {
  validate: (a) => {
    if (a.length % 2 !== 0) return 'the args must be key value pairs';
    for (let i = 0; i < a.length; i += 2) if (notString(a[i])) return errInfo(i, 'string');
    return undefined;
  },
  exec: (_c, a) => {
    const res: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) {
      if (!nn(a[i])) continue;
      let k: string;
      try { k = toStr(a[i], 'samekind'); } catch { return fail(`key ${formatValue(a[i])} is not a string`); }
      res[k] = a[i + 1] ?? null;
    }
    return res;
  },
});
define(C, 'erase', {
  nil: 'nil', validate: (a) => vAtLeast(2, a.length),
  exec: (_c, a) => {
    if (a.length !== 2) return fail(`the argument number should be 2, got ${a.length}`);
    const m = a[0];
    if (!isMap(m)) return fail(`the first argument should be map[string]interface{}, got ${formatValue(m)}`);
    let drop: Set<string>;
    if (Array.isArray(a[1])) drop = new Set(a[1].map((x) => toStr(x, 'all')));
    else if (typeof a[1] === 'string') drop = new Set([a[1]]);
    else return fail('the argument should be slice or string');
    const res: Record<string, unknown> = {};
    for (const k of Object.keys(m)) if (!drop.has(k)) res[k] = m[k];
    return res;
  },
});
define(C, 'object_size', {
  validate: vOneArg,
  exec: (_c, [m]) => {
    if (!nn(m)) return 0n;
    return isMap(m) ? BigInt(Object.keys(m).length) : fail(`the first argument should be map[string]any, got ${formatValue(m)}`);
  },
});

/** Copies key `k` (dotted path allowed) of `src` into `res`, creating nested maps. */
function pick(res: Record<string, unknown>, src: Record<string, unknown>, k: string): void {
  const keys = k.split('.');
  let r: unknown = src;
  for (let i = 0; i < keys.length - 1; i++) {
    r = isMap(r) ? r[keys[i]] : undefined;
    if (!isMap(r)) return;
  }
  const last = keys[keys.length - 1];
  if (!isMap(r) || !(last in r)) return;
  let rr = res;
  for (let i = 0; i < keys.length - 1; i++) {
    if (!isMap(rr[keys[i]])) rr[keys[i]] = {};
    rr = rr[keys[i]] as Record<string, unknown>;
  }
  rr[last] = r[last];
}

define(C, 'object_pick', {
  validate: (a) => vAtLeast(2, a.length),
  exec: (_c, a) => {
    if (!nn(a[0])) return null;
    const m = a[0];
    if (!isMap(m)) return fail(`the first argument should be a map, got ${formatValue(m)}`);
    const res: Record<string, unknown> = {};
    if (Array.isArray(a[1])) {
      for (const k of a[1]) if (typeof k === 'string') pick(res, m, k);
    } else if (typeof a[1] === 'string') {
      for (let i = 1; i < a.length; i++) if (typeof a[i] === 'string') pick(res, m, a[i] as string);
    }
    return res;
  },
});
define(C, 'obj_to_kvpair_array', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, [m]) => {
    if (!isMap(m)) return fail(`the first argument should be map[string]interface{}, got ${formatValue(m)}`);
    return Object.keys(m).map((k) => ({ key: k, value: m[k] }));
  },
});
