/** String functions (eKuiper `funcs_str.go`). Positions are UTF-8 byte offsets, as in Go. */
import { define, fail, errInfo, vLen, vAtLeast, vOneArg, vOneStr, vTwoStr, vOneStrOneInt, notString, notInt, isIntArg, isStringArg, literalOf } from './define.js';
import { toFloat, toInt } from './cast.js';
import { formatValue, isMap } from '../runtime/value.js';

const C = 'string';
/** Go cast.ToStringAlways: `%v`, nil → "". */
export const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : formatValue(v));
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const isSpace = /^[\s\u0085]+|[\s\u0085]+$/g;

define(C, 'concat', {
  validate: (a) => {
    if (a.length === 0) return 'The arguments should be at least one.';
    const i = a.findIndex((x) => notString(x));
    return i >= 0 ? errInfo(i, 'string') : undefined;
  },
  exec: (_c, a) => a.map(str).join(''),
});
define(C, 'endswith', { nil: 'false', validate: vTwoStr, exec: (_c, a) => str(a[0]).endsWith(str(a[1])) });
define(C, 'startswith', { nil: 'false', validate: vTwoStr, exec: (_c, a) => str(a[0]).startsWith(str(a[1])) });
define(C, 'indexof', {
  validate: vTwoStr,
  exec: (_c, a) => {
    if (a[0] === null || a[0] === undefined || a[1] === null || a[1] === undefined) return -1n;
    const hay = utf8(str(a[0]));
    return BigInt(hay.indexOf(utf8(str(a[1]))));
  },
});
define(C, 'length', {
  nil: 'zero',
  validate: vOneArg,
  exec: (_c, [v]) => {
    if (Array.isArray(v)) return BigInt(v.length);
    if (isMap(v)) return BigInt(Object.keys(v).length);
    if (v === null || v === undefined) return 0n;
    return BigInt([...str(v)].length);
  },
});
define(C, 'lower', { nil: 'nil', validate: vOneStr, exec: (_c, a) => str(a[0]).toLowerCase() });
define(C, 'upper', { nil: 'nil', validate: vOneStr, exec: (_c, a) => str(a[0]).toUpperCase() });
define(C, 'lpad', { nil: 'nil', validate: vOneStrOneInt, exec: (_c, a) => ' '.repeat(Math.max(0, Number(toInt(a[1], 'strict')))) + str(a[0]) });
define(C, 'rpad', { nil: 'nil', validate: vOneStrOneInt, exec: (_c, a) => str(a[0]) + ' '.repeat(Math.max(0, Number(toInt(a[1], 'strict')))) });
define(C, 'ltrim', { nil: 'nil', validate: vOneStr, exec: (_c, a) => str(a[0]).replace(/^[\s\u0085]+/, '') });
define(C, 'rtrim', { nil: 'nil', validate: vOneStr, exec: (_c, a) => str(a[0]).replace(/[\s\u0085]+$/, '') });
define(C, 'trim', { nil: 'nil', validate: vOneStr, exec: (_c, a) => str(a[0]).replace(isSpace, '') });
define(C, 'numbytes', { nil: 'zero', validate: vOneStr, exec: (_c, a) => BigInt(utf8(str(a[0])).length) });
define(C, 'reverse', { nil: 'nil', validate: vOneStr, exec: (_c, a) => [...str(a[0])].reverse().join('') });

const reCache = new Map<string, RegExp>();
/** Compiles an RE2 pattern as a JS RegExp (same syntax for the common subset). */
export function goRegexp(pattern: string, flags = ''): RegExp {
  const key = flags + '\u0000' + pattern;
  let re = reCache.get(key);
  if (!re) {
    let src = pattern.replace(/\(\?P</g, '(?<');
    let fl = flags + 'u';
    const m = /^\(\?([imsU]+)\)/.exec(src);
    if (m) { src = src.slice(m[0].length); fl += m[1].replace('U', ''); }
    try { re = new RegExp(src, fl); } catch (e) { return fail(`error parsing regexp: ${(e as Error).message}`); }
    if (reCache.size > 1000) reCache.clear();
    reCache.set(key, re);
  }
  return re;
}

define(C, 'regexp_matches', { nil: 'false', validate: vTwoStr, exec: (_c, a) => goRegexp(str(a[1])).test(str(a[0])) });
define(C, 'regexp_replace', {
  nil: 'nil',
  validate: (a) => vLen(3, a.length) ?? (() => { const i = a.findIndex((x) => notString(x)); return i >= 0 ? errInfo(i, 'string') : undefined; })(),
  exec: (_c, a) => {
    const repl = str(a[2]).replace(/\$\{(\w+)\}/g, (_m, n: string) => (/^\d+$/.test(n) ? `$${n}` : `$<${n}>`));
    return str(a[0]).replace(goRegexp(str(a[1]), 'g'), repl);
  },
});
define(C, 'regexp_substr', {
  nil: 'nil',
  validate: vTwoStr,
  exec: (_c, a) => goRegexp(str(a[1])).exec(str(a[0]))?.[0] ?? '',
});

define(C, 'substring', {
  nil: 'nil',
  validate: (a) => {
    const l = a.length;
    if (l !== 2 && l !== 3) return 'the arguments for substring should be 2 or 3';
    if (notString(a[0])) return errInfo(0, 'string');
    for (let i = 1; i < l; i++) if (notInt(a[i])) return errInfo(i, 'int');
    if (isIntArg(a[1])) {
      const sv = literalOf(a[1]) as bigint;
      if (sv < 0n) return 'The start index should not be a nagtive integer.';
      if (l === 3 && isIntArg(a[2]) && (literalOf(a[2]) as bigint) < sv) return 'The end index should be larger than start index.';
    }
    return undefined;
  },
  exec: (_c, a) => {
    const b = utf8(str(a[0]));
    const start = Number(toInt(a[1], 'strict'));
    if (start < 0) return fail('start index must be a positive number');
    if (a.length > 2) {
      const end = Number(toInt(a[2], 'strict'));
      if (end < 0) return fail('end index must be a positive number');
      if (start > end) return fail('start index must be smaller than end index');
      if (start > b.length) return '';
      return b.subarray(start, Math.min(end, b.length)).toString('utf8');
    }
    if (start > b.length) return '';
    return b.subarray(start).toString('utf8');
  },
});

define(C, 'split_value', {
  nil: 'nil',
  validate: (a) => {
    if (a.length !== 3) return 'the arguments for split_value should be 3';
    if (notString(a[0])) return errInfo(0, 'string');
    if (notString(a[1])) return errInfo(1, 'string');
    if (notInt(a[2])) return errInfo(2, 'int');
    if (isIntArg(a[2]) && (literalOf(a[2]) as bigint) < 0n) return 'The index should not be a nagtive integer.';
    return undefined;
  },
  exec: (_c, a) => {
    const sep = str(a[1]);
    const s = str(a[0]);
    const ss = sep === '' ? [...s] : s.split(sep);
    let v = 0;
    try { v = Number(toInt(a[2], 'strict')); } catch { /* Go ignores: 0 */ }
    if (v > ss.length - 1 || v < -ss.length) return fail(`${v} out of index array (size = ${ss.length})`);
    return v >= 0 ? ss[v] : ss[ss.length + v];
  },
});

const nfCache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string | undefined, scale: number): Intl.NumberFormat {
  const key = `${locale ?? ''}|${scale}`;
  let nf = nfCache.get(key);
  if (!nf) {
    const opts: Intl.NumberFormatOptions & { roundingMode?: string } = {
      minimumFractionDigits: scale, maximumFractionDigits: scale, useGrouping: locale !== undefined, roundingMode: 'halfEven',
    };
    nf = new Intl.NumberFormat(locale ?? 'en', opts);
    nfCache.set(key, nf);
  }
  return nf;
}

define(C, 'format', {
  nil: 'nil',
  validate: (a) =>
    vAtLeast(2, a.length) ??
    (!isIntArg(a[1]) ? errInfo(1, 'integer') : a.length === 3 && !isStringArg(a[2]) ? errInfo(2, 'string') : undefined),
  exec: (_c, a) => {
    let v = 0;
    try { v = toFloat(a[0], 'samekind'); } catch { /* Go ignores: 0 */ }
    let scale = 0;
    try { scale = Number(toInt(a[1], 'strict')); } catch { /* Go ignores: 0 */ }
    if (scale < 0) return fail('the decimal places must greater or equal than 0');
    if (scale > 100) scale = 100;
    if (a.length === 3) {
      const loc = str(a[2]);
      const m = /^([a-zA-Z]{2,3})(?:[_-]([A-Za-z]{4}))?[_-]([A-Za-z]{2}|\d{3})$/.exec(loc);
      if (!m) return fail('not support for the specific locale:' + loc);
      let nf: Intl.NumberFormat;
      try { nf = numberFormat(icuLocale(loc), scale); } catch { return fail('not support for the specific locale:' + loc); }
      // Go's CLDR data (golang.org/x/text) uses U+2019 and U+00A0 where current ICU has ' and U+202F.
      return nf.format(v).replace(/'/g, '\u2019').replace(/\u202f/g, '\u00a0');
    }
    return numberFormat(undefined, scale).format(v);
  },
});

/**
 * Maps a locale to the ICU locale whose number symbols match Go's x/text CLDR tables: Go
 * formats Arabic locales with Latin digits (except ar_IN), does not know `no` (falls back to
 * the root format) and groups rm_CH with U+2019.
 */
function icuLocale(loc: string): string {
  const tag = loc.replace(/_/g, '-');
  const lang = tag.split('-')[0].toLowerCase();
  if (lang === 'ar') return tag.toUpperCase().endsWith('-IN') ? tag + '-u-nu-arab' : tag + '-u-nu-latn';
  if (lang === 'no') return 'en';
  if (tag === 'rm-CH') return 'de-CH';
  return tag;
}
