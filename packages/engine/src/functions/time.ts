/**
 * Datetime conversion and formatting (eKuiper `pkg/cast/time.go`). A JS Date has no zone:
 * components are computed in the configured time zone (`process.env.TZ`, else the local
 * zone), or in an explicit IANA zone.
 */
import { EvalError } from '../runtime/tuple.js';
import { formatValue } from '../runtime/value.js';

let configuredZone: string | undefined = process.env.TZ || undefined;

/** Sets the zone used for datetime functions (IANA name, `UTC` or `Local`). */
export function setTimeZone(name: string | undefined): void {
  if (name && name !== 'Local') checkZone(name);
  configuredZone = !name || name === 'Local' ? undefined : name;
}
export function getTimeZone(): string | undefined {
  return configuredZone;
}

/** Throws Go's "unknown time zone X" for an unknown IANA name. */
export function checkZone(name: string): void {
  if (name === '' || name === 'UTC' || name === 'Local') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new EvalError(`unknown time zone ${name}`);
  }
}

export interface Parts {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  ms: number; weekday: number; offsetMin: number; zone: string;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? '';
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short', timeZoneName: 'short',
    });
    fmtCache.set(key, f);
  }
  return f;
}
const WD: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock components of an instant in a zone (default: configured zone). */
export function partsOf(ms: number, zone: string | undefined = configuredZone): Parts {
  const z = zone === 'Local' ? undefined : zone;
  if (z === 'UTC' || z === 'Etc/UTC') {
    // Fast path: no Intl formatting needed.
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
      minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), weekday: d.getUTCDay(),
      offsetMin: 0, zone: 'UTC',
    };
  }
  const p: Record<string, string> = {};
  for (const x of formatter(z).formatToParts(new Date(ms))) p[x.type] = x.value;
  const year = Number(p.year), month = Number(p.month), day = Number(p.day);
  const hour = Number(p.hour), minute = Number(p.minute), second = Number(p.second);
  const msPart = ((ms % 1000) + 1000) % 1000;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, msPart);
  const offsetMin = Math.round((wall - ms) / 60000);
  return { year, month, day, hour, minute, second, ms: msPart, weekday: WD[p.weekday] ?? 0, offsetMin, zone: p.timeZoneName ?? 'UTC' };
}

/** Epoch ms of a wall-clock time in a zone. */
export function fromWall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone = configuredZone): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let t = guess - partsOf(guess, zone).offsetMin * 60000;
  t = guess - partsOf(t, zone).offsetMin * 60000;
  return t;
}

/** eKuiper InterfaceToTime: numbers are epoch milliseconds, strings are parsed. */
export function toTime(v: unknown, format = ''): Date {
  if (typeof v === 'bigint') return new Date(Number(v));
  if (typeof v === 'number') return new Date(Math.trunc(v));
  if (v instanceof Date) return v;
  if (typeof v === 'string') return parseTime(v, format);
  throw new EvalError(`unsupported type to convert to timestamp ${formatValue(v)}`);
}

const DEFAULT_RE =
  /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?(?:\s+[A-Z]{3,5})?$/;
const TIME_RE = /^(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?$/;

/** Parses a datetime string: an optional eKuiper format first, then the default layouts. */
export function parseTime(s: string, format = ''): Date {
  if (format) {
    const r = parseWithFormat(s, format);
    if (r) return r;
  }
  const m = DEFAULT_RE.exec(s.trim());
  if (m) {
    const [, y, mo, d, h, mi, se, frac, off] = m;
    const ms = frac ? Number((frac + '00').slice(0, 3)) : 0;
    const f = [Number(y), Number(mo ?? 1), Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(se ?? 0), ms] as const;
    if (off) return new Date(Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5], f[6]) - offsetOf(off) * 60000);
    return new Date(fromWall(...f));
  }
  const t = TIME_RE.exec(s.trim());
  if (t) {
    const now = partsOf(Date.now());
    return new Date(fromWall(now.year, now.month, now.day, Number(t[1]), Number(t[2] ?? 0), Number(t[3] ?? 0), 0));
  }
  throw new EvalError(`Can't parse string as time: ${s}`);
}

function offsetOf(off: string): number {
  if (off === 'Z') return 0;
  const sign = off[0] === '-' ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/** Parses with an eKuiper pattern (yyyy MM dd HH hh mm ss SSS a Z X and literals). */
function parseWithFormat(s: string, format: string): Date | undefined {
  let re = '';
  const fields: string[] = [];
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    let j = 1;
    while (format[i + j] === c) j++;
    const run = format.slice(i, i + j);
    if (c === '\\') { re += escapeRe(format[i + 1] ?? ''); i += 2; continue; }
    if (c === 'S') { re += '\\.?(\\d+)'; fields.push('S'); }
    else if ('yY'.includes(c)) { re += j === 2 ? '(\\d{2})' : '(\\d{4})'; fields.push('y'); }
    else if ('MdHhms'.includes(c)) { re += c === 'M' && j >= 3 ? '([A-Za-z]+)' : '(\\d{1,2})'; fields.push(c); }
    else if (c === 'a') { re += '(AM|PM)'; fields.push('a'); }
    else if (c === 'Z' || c === 'X') { re += '(Z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})'; fields.push('Z'); }
    else re += escapeRe(run);
    i += j;
  }
  const m = new RegExp('^' + re + '$').exec(s);
  if (!m) return undefined;
  const v = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0, pm: false, off: undefined as number | undefined };
  fields.forEach((f, k) => {
    const x = m[k + 1];
    switch (f) {
      case 'y': v.y = x.length === 2 ? 2000 + Number(x) : Number(x); break;
      case 'M': v.M = /\d/.test(x) ? Number(x) : MONTHS.findIndex((n) => n.startsWith(x)) + 1; break;
      case 'd': v.d = Number(x); break;
      case 'H': case 'h': v.H = Number(x); break;
      case 'm': v.m = Number(x); break;
      case 's': v.s = Number(x); break;
      case 'S': v.S = Number((x + '00').slice(0, 3)); break;
      case 'a': v.pm = x === 'PM'; break;
      case 'Z': v.off = offsetOf(x); break;
    }
  });
  if (v.pm && v.H < 12) v.H += 12;
  if (v.off !== undefined) return new Date(Date.UTC(v.y, v.M - 1, v.d, v.H, v.m, v.s, v.S) - v.off * 60000);
  return new Date(fromWall(v.y, v.M, v.d, v.H, v.m, v.s, v.S));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

function offsetText(min: number, colon: boolean, hoursOnly = false): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  if (hoursOnly) return sign + pad(Math.floor(a / 60));
  return sign + pad(Math.floor(a / 60)) + (colon ? ':' : '') + pad(a % 60);
}

/**
 * Formats an instant with eKuiper's pattern letters (§3.8): G, yyyy/YYYY, yy, M..MMMM, d dd,
 * EEE EEEE, HH, h hh, a, m mm, s ss, S… (fraction digits), z, Z, X XX XXX, `\` escape,
 * 'quoted text'. Invalid patterns throw eKuiper's messages.
 */
export function formatTime(d: Date, format: string, zone?: string): string {
  const p = partsOf(d.getTime(), zone ?? configuredZone);
  let out = '';
  const f = [...format];
  for (let i = 0; i < f.length; i++) {
    const c = f[i];
    let j = 1;
    const runOf = (max: number) => { j = 1; while (i + j < f.length && j < max + 1 && f[i + j] === c) j++; if (j > max) j = max; };
    switch (c) {
      case '\\':
        i++;
        if (i >= f.length) throw new EvalError(`${format} is invalid`);
        out += f[i];
        continue;
      case 'Y': case 'y':
        runOf(4);
        if (j === 4) out += pad(p.year, 4);
        else if (j === 2) out += pad(p.year % 100);
        else throw new EvalError(`invalid time format ${format} for Y/y`);
        break;
      case 'G': out += 'AD'; break;
      case 'M':
        runOf(4);
        out += j === 1 ? String(p.month) : j === 2 ? pad(p.month) : j === 3 ? MONTHS[p.month - 1].slice(0, 3) : MONTHS[p.month - 1];
        break;
      case 'd': runOf(2); out += j === 1 ? String(p.day) : pad(p.day); break;
      case 'E':
        runOf(4);
        if (j === 3) out += DAYS[p.weekday].slice(0, 3);
        else if (j === 4) out += DAYS[p.weekday];
        else throw new EvalError(`invalid time format ${format} for E`);
        break;
      case 'H':
        runOf(2);
        if (j !== 2) throw new EvalError(`invalid time format ${format} of H, only HH is supported`);
        out += pad(p.hour);
        break;
      case 'h': { runOf(2); const h = p.hour % 12 === 0 ? 12 : p.hour % 12; out += j === 1 ? String(h) : pad(h); break; }
      case 'a': out += p.hour < 12 ? 'AM' : 'PM'; break;
      case 'm': runOf(2); out += j === 1 ? String(p.minute) : pad(p.minute); break;
      case 's': runOf(2); out += j === 1 ? String(p.second) : pad(p.second); break;
      case 'S': {
        j = 0; while (i + j < f.length && f[i + j] === 'S') j++;
        // A JS Date holds milliseconds; deeper digits are zeros.
        const digits = (pad(p.ms, 3) + '000000').slice(0, j);
        out += (out.endsWith('.') ? '' : '.') + digits;
        break;
      }
      case 'z': out += p.zone; break;
      case 'Z': out += offsetText(p.offsetMin, false); break;
      case 'X':
        runOf(3);
        // Go layouts -07 / -0700 / -07:00: numeric even for UTC.
        out += j === 1 ? offsetText(p.offsetMin, false, true) : offsetText(p.offsetMin, j === 3);
        break;
      case "'": {
        if (f[i + 1] === "'") { out += "'"; i++; continue; }
        let k = 1; let tmp = '';
        while (i + k < f.length && f[i + k] !== "'") { tmp += f[i + k]; k++; }
        out += tmp;
        j = k + 1;
        break;
      }
      default: out += c;
    }
    i += j - 1;
  }
  return out;
}

const UNIT_NS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Go time.ParseDuration, in milliseconds (sub-ms parts kept as fractions). */
export function parseDuration(s: string): number {
  const orig = s;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') { sign = s[0] === '-' ? -1 : 1; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw new EvalError(`time: invalid duration ${JSON.stringify(orig)}`);
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)/.test(s) && !/[a-zµμ]/i.test(s)) throw new EvalError(`time: missing unit in duration ${JSON.stringify(orig)}`);
      throw new EvalError(`time: invalid duration ${JSON.stringify(orig)}`);
    }
    total += Number(m[1]) * UNIT_NS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}
