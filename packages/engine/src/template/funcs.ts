import { encodeJSONText } from '../formats/json-codec.js';
import { isMap, typeName } from '../runtime/value.js';
import { goSprint, goSprintf, goString } from './go-format.js';
import { goJSON } from './go-json.js';

/** A template function: gets evaluated arguments, the piped value last. */
export type TemplateFunc = (args: unknown[]) => unknown;

/** Go's notion of truth: false for zero values and empty collections. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v !== '';
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (v instanceof Date) return true;
  if (typeof v === 'object') {
    for (const _ in v as object) return true;
    return false;
  }
  return true;
}

function need(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new Error(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

const isNum = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

function eq2(a: unknown, b: unknown): boolean {
  if (isNum(a) && isNum(b)) return a == b;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== typeof b) throw new Error(`error calling eq: incompatible types for comparison`);
  if (typeof a === 'object') throw new Error(`error calling eq: non-comparable type ${typeName(a)}`);
  return a === b;
}

function cmp(name: string, a: unknown, b: unknown): number {
  if (isNum(a) && isNum(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`error calling ${name}: incompatible types for comparison`);
}

/** cast.ToInt64 as sprig uses it: floats truncate, strings parse, nil is 0. */
export function toInt64(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+$/.test(s)) return BigInt(s);
    const n = Number(s);
    return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
  }
  return 0n;
}

export function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return goString(v);
}

function index(args: unknown[]): unknown {
  if (!args.length) throw new Error('wrong number of args for index');
  let v = args[0];
  for (const key of args.slice(1)) {
    if (v === undefined || v === null) throw new Error('error calling index: index of untyped nil');
    if (Array.isArray(v) || v instanceof Uint8Array || typeof v === 'string') {
      if (!isNum(key)) throw new Error(`error calling index: cannot index slice/array with type ${typeName(key)}`);
      const i = Number(key);
      if (i < 0 || i >= v.length) throw new Error(`error calling index: index out of range: ${i}`);
      v = typeof v === 'string' ? BigInt(Buffer.from(v)[i]!) : Array.isArray(v) ? v[i] : BigInt(v[i]!);
    } else if (isMap(v)) {
      if (typeof key !== 'string') throw new Error(`error calling index: value has type ${typeName(key)}; should be string`);
      v = v[key];
    } else throw new Error(`error calling index: can't index item of type ${typeName(v)}`);
  }
  return v;
}

function len(args: unknown[]): bigint {
  need('len', args, 1);
  const v = args[0];
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v) || v instanceof Uint8Array) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  throw new Error(`error calling len: len of type ${typeName(v)}`);
}

function roundTo(x: number, places: number): number {
  const p = 10 ** places;
  const y = Math.abs(x) * p;
  const r = Math.floor(y) + (y - Math.floor(y) >= 0.5 ? 1 : 0);
  return (Math.sign(x) * r) / p;
}

function reduceInt(name: string, op: (a: bigint, b: bigint) => bigint): TemplateFunc {
  return (args) => {
    if (args.length < 1) throw new Error(`wrong number of args for ${name}`);
    let acc = toInt64(args[0]);
    for (let i = 1; i < args.length; i++) acc = op(acc, toInt64(args[i]));
    return acc;
  };
}

function reduceFloat(name: string, op: (a: number, b: number) => number): TemplateFunc {
  return (args) => {
    if (args.length < 1) throw new Error(`wrong number of args for ${name}`);
    let acc = toFloat64(args[0]);
    for (let i = 1; i < args.length; i++) acc = op(acc, toFloat64(args[i]));
    return acc;
  };
}

const b64 = (v: unknown): string =>
  v instanceof Uint8Array ? Buffer.from(v).toString('base64') : Buffer.from(typeof v === 'string' ? v : encodeJSONText(v), 'utf8').toString('base64');

/** Go text/template built-ins plus the sprig helpers eKuiper templates commonly use. */
export const BUILTIN_FUNCS: Record<string, TemplateFunc> = {
  // Go text/template
  not: (a) => (need('not', a, 1), !truth(a[0])),
  eq: (a) => {
    if (a.length < 2) throw new Error('wrong number of args for eq: want at least 2');
    for (let i = 1; i < a.length; i++) if (eq2(a[0], a[i])) return true;
    return false;
  },
  ne: (a) => (need('ne', a, 2), !eq2(a[0], a[1])),
  lt: (a) => (need('lt', a, 2), cmp('lt', a[0], a[1]) < 0),
  le: (a) => (need('le', a, 2), cmp('le', a[0], a[1]) <= 0),
  gt: (a) => (need('gt', a, 2), cmp('gt', a[0], a[1]) > 0),
  ge: (a) => (need('ge', a, 2), cmp('ge', a[0], a[1]) >= 0),
  len,
  index,
  slice: (a) => {
    const v = a[0];
    const from = a.length > 1 ? Number(a[1]) : 0;
    if (typeof v === 'string' || Array.isArray(v)) return v.slice(from, a.length > 2 ? Number(a[2]) : undefined);
    throw new Error(`error calling slice: can't slice item of type ${typeName(v)}`);
  },
  print: (a) => goSprint(a),
  println: (a) => a.map(goString).join(' ') + '\n',
  printf: (a) => goSprintf(str(a[0]), a.slice(1)),
  urlquery: (a) => encodeURIComponent(a.map(str).join('')).replace(/%20/g, '+'),
  html: (a) => a.map(str).join('').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  js: (a) => JSON.stringify(a.map(str).join('')).slice(1, -1).replace(/'/g, "\\'").replace(/</g, '\\u003C').replace(/>/g, '\\u003E'),

  // sprig strings
  upper: (a) => str(a[0]).toUpperCase(),
  lower: (a) => str(a[0]).toLowerCase(),
  title: (a) => str(a[0]).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (a) => str(a[0]).trim(),
  trimAll: (a) => {
    const cut = str(a[0]);
    let s = str(a[1]);
    while (s && cut.includes(s[0]!)) s = s.slice(1);
    while (s && cut.includes(s[s.length - 1]!)) s = s.slice(0, -1);
    return s;
  },
  trimPrefix: (a) => (str(a[1]).startsWith(str(a[0])) ? str(a[1]).slice(str(a[0]).length) : str(a[1])),
  trimSuffix: (a) => (str(a[0]) && str(a[1]).endsWith(str(a[0])) ? str(a[1]).slice(0, -str(a[0]).length) : str(a[1])),
  replace: (a) => (need('replace', a, 3), str(a[2]).split(str(a[0])).join(str(a[1]))),
  contains: (a) => (need('contains', a, 2), str(a[1]).includes(str(a[0]))),
  hasPrefix: (a) => (need('hasPrefix', a, 2), str(a[1]).startsWith(str(a[0]))),
  hasSuffix: (a) => (need('hasSuffix', a, 2), str(a[1]).endsWith(str(a[0]))),
  repeat: (a) => str(a[1]).repeat(Number(toInt64(a[0]))),
  substr: (a) => str(a[2]).slice(Number(toInt64(a[0])), Number(toInt64(a[1]))),
  nospace: (a) => str(a[0]).replace(/\s+/g, ''),
  quote: (a) => a.filter((v) => v !== undefined && v !== null).map((v) => JSON.stringify(str(v))).join(' '),
  squote: (a) => a.filter((v) => v !== undefined && v !== null).map((v) => `'${str(v)}'`).join(' '),
  cat: (a) => a.filter((v) => v !== undefined && v !== null).map(str).join(' '),
  join: (a) => {
    const list = a[1];
    return Array.isArray(list) ? list.map(str).join(str(a[0])) : str(list);
  },
  split: (a) => {
    const out: Record<string, string> = {};
    str(a[1]).split(str(a[0])).forEach((p, i) => (out[`_${i}`] = p));
    return out;
  },
  splitList: (a) => str(a[1]).split(str(a[0])),
  toString: (a: unknown[]) => str(a[0]),
  toJson: (a) => goJSON(a[0]),
  json: (a) => goJSON(a[0]),
  toPrettyJson: (a) => JSON.stringify(JSON.parse(goJSON(a[0])), null, '  '),
  fromJson: (a) => {
    try {
      return JSON.parse(str(a[0]));
    } catch {
      return {};
    }
  },
  b64enc: (a) => b64(a[0]),
  base64: (a) => b64(a[0]),
  b64dec: (a) => Buffer.from(str(a[0]), 'base64').toString('utf8'),

  // sprig defaults and logic
  default: (a) => (a.length >= 2 && truth(a[a.length - 1]) ? a[a.length - 1] : a[0]),
  empty: (a) => !truth(a[0]),
  coalesce: (a) => a.find(truth),
  ternary: (a) => (truth(a[2]) ? a[0] : a[1]),

  // sprig math: integer ops return int64 (bigint), the `f` variants float64
  add: reduceInt('add', (x, y) => x + y),
  add1: (a) => toInt64(a[0]) + 1n,
  sub: reduceInt('sub', (x, y) => x - y),
  mul: reduceInt('mul', (x, y) => x * y),
  div: reduceInt('div', (x, y) => {
    if (y === 0n) throw new Error('error calling div: integer divide by zero');
    return x / y;
  }),
  mod: reduceInt('mod', (x, y) => {
    if (y === 0n) throw new Error('error calling mod: integer divide by zero');
    return x % y;
  }),
  max: reduceInt('max', (x, y) => (x > y ? x : y)),
  min: reduceInt('min', (x, y) => (x < y ? x : y)),
  addf: reduceFloat('addf', (x, y) => x + y),
  subf: reduceFloat('subf', (x, y) => x - y),
  mulf: reduceFloat('mulf', (x, y) => x * y),
  divf: reduceFloat('divf', (x, y) => x / y),
  maxf: reduceFloat('maxf', Math.max),
  minf: reduceFloat('minf', Math.min),
  round: (a) => roundTo(toFloat64(a[0]), a.length > 1 ? Number(toInt64(a[1])) : 0),
  floor: (a) => Math.floor(toFloat64(a[0])),
  ceil: (a) => Math.ceil(toFloat64(a[0])),
  int: (a) => toInt64(a[0]),
  int64: (a) => toInt64(a[0]),
  float64: (a) => toFloat64(a[0]),

  // sprig lists and dicts
  list: (a) => [...a],
  first: (a) => (Array.isArray(a[0]) ? a[0][0] : undefined),
  last: (a) => (Array.isArray(a[0]) ? a[0][a[0].length - 1] : undefined),
  dict: (a) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < a.length; i += 2) out[str(a[i])] = a[i + 1];
    return out;
  },
  keys: (a) => a.flatMap((m) => (isMap(m) ? Object.keys(m) : [])),
  hasKey: (a) => isMap(a[0]) && Object.prototype.hasOwnProperty.call(a[0], str(a[1])),
  get: (a) => (isMap(a[0]) ? (a[0][str(a[1])] ?? '') : ''),
};
