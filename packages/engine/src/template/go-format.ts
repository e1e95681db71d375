import { formatFloat, formatValue, typeName } from '../runtime/value.js';

/** Go's `%v` text of a value, `<nil>` for nil. */
export function goString(v: unknown): string {
  return formatValue(v);
}

/** What `{{.x}}` prints: Go's `%v`, `<no value>` for nil or a missing key. */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  return formatValue(v);
}

/** Go's fmt.Sprint: spaces between operands when neither side is a string. */
export function goSprint(args: unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += goString(args[i]);
  }
  return out;
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${typeName(v)}=${goString(v)})`;
}

function expFix(s: string): string {
  // JS writes e+6, Go writes e+06
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function fmtG(n: number, prec: number | undefined, upper: boolean): string {
  let s: string;
  if (prec === undefined) s = formatFloat(n);
  else {
    const p = prec === 0 ? 1 : prec;
    const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
    if (exp < -4 || exp >= p) s = expFix(n.toExponential(p - 1).replace(/\.?0+e/, 'e'));
    else s = n.toPrecision(p).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  return upper ? s.toUpperCase() : s;
}

function quoteGo(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function formatOne(verb: string, v: unknown, prec: number | undefined, plus: boolean, sharp: boolean): string {
  switch (verb) {
    case 'v':
      if (typeof v === 'number' && prec !== undefined) return fmtG(v, prec, false);
      return plus && typeof v === 'number' && v >= 0 ? '+' + goString(v) : goString(v);
    case 'd':
      if (typeof v === 'bigint') return (plus && v >= 0n ? '+' : '') + v.toString();
      if (Array.isArray(v)) return '[' + v.map((e) => formatOne('d', e, prec, plus, sharp)).join(' ') + ']';
      return bad('d', v);
    case 's':
      if (typeof v === 'string') return prec !== undefined ? [...v].slice(0, prec).join('') : v;
      if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
      if (typeof v === 'object' && v !== null && !(v instanceof Date)) return goString(v);
      if (v instanceof Date) return goString(v);
      return bad('s', v);
    case 'q':
      if (typeof v === 'string') return sharp && !v.includes('`') ? '`' + v + '`' : quoteGo(v);
      if (typeof v === 'bigint') return quoteGo(String.fromCodePoint(Number(v))).replace(/^"|"$/g, "'");
      return bad('q', v);
    case 't':
      return typeof v === 'boolean' ? String(v) : bad('t', v);
    case 'f':
    case 'F':
      if (typeof v !== 'number') return bad(verb, v);
      return (plus && v >= 0 ? '+' : '') + (Number.isFinite(v) ? v.toFixed(prec ?? 6) : formatFloat(v));
    case 'e':
    case 'E': {
      if (typeof v !== 'number') return bad(verb, v);
      const s = (plus && v >= 0 ? '+' : '') + expFix(v.toExponential(prec ?? 6));
      return verb === 'E' ? s.toUpperCase() : s;
    }
    case 'g':
    case 'G':
      if (typeof v !== 'number') return bad(verb, v);
      return (plus && v >= 0 ? '+' : '') + fmtG(v, prec, verb === 'G');
    case 'x':
    case 'X': {
      let s: string;
      if (typeof v === 'bigint') s = (v < 0n ? '-' : '') + (v < 0n ? -v : v).toString(16);
      else if (typeof v === 'string') s = Buffer.from(v, 'utf8').toString('hex');
      else if (v instanceof Uint8Array) s = Buffer.from(v).toString('hex');
      else return bad(verb, v);
      if (sharp) s = '0x' + s;
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      return typeof v === 'bigint' ? v.toString(8) : bad('o', v);
    case 'b':
      return typeof v === 'bigint' ? v.toString(2) : bad('b', v);
    case 'c':
      return typeof v === 'bigint' ? String.fromCodePoint(Number(v)) : bad('c', v);
    case 'T':
      return typeName(v);
    default:
      return `%!${verb}(${typeName(v)}=${goString(v)})`;
  }
}

const VERB = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;

/** A subset of Go's fmt.Sprintf: flags `-+# 0`, width, precision and the common verbs. */
export function goSprintf(format: string, args: unknown[]): string {
  let argi = 0;
  let out = format.replace(VERB, (_m, flags: string, width: string | undefined, precText: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    let w = width === '*' ? Number(args[argi++]) : width ? Number(width) : 0;
    let prec: number | undefined = precText === '*' ? Number(args[argi++]) : precText !== undefined ? Number(precText) : undefined;
    if (precText === undefined && _m.includes('.')) prec = 0;
    if (argi >= args.length) return `%!${verb}(MISSING)`;
    const v = args[argi++];
    let s = formatOne(verb, v, prec, flags.includes('+'), flags.includes('#'));
    if (flags.includes(' ') && typeof v === 'number' && v >= 0 && 'dfeEgGv'.includes(verb)) s = ' ' + s;
    if (w && s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w, ' ');
      else if (flags.includes('0') && (typeof v === 'number' || typeof v === 'bigint')) {
        const sign = /^[+-]/.test(s) ? s[0] : '';
        s = sign + s.slice(sign.length).padStart(w - sign.length, '0');
      } else s = s.padStart(w, ' ');
    }
    w = 0;
    return s;
  });
  if (argi < args.length) out += '%!(EXTRA ' + args.slice(argi).map((a) => `${typeName(a)}=${goString(a)}`).join(', ') + ')';
  return out;
}
