/**
 * Date and time functions (eKuiper `funcs_datetime.go`). Datetime arguments accept a Date,
 * epoch milliseconds (int or float) or a parseable string; components are taken in the
 * configured time zone (see `time.ts`). `now()` and friends read the injected clock.
 */
import { define, errInfo, vLen, vNoArg, vOneDatetime, notDatetime, notString, isIntArg, isNumericArg, isStringArg, isBoolArg, type Validator } from './define.js';
import { toInt } from './cast.js';
import { DAYS, MONTHS, formatTime, parseDuration, partsOf, toTime } from './time.js';
import { str } from './string.js';

const C = 'datetime';

const vFsp: Validator = (a) => (a.length < 1 ? undefined : a.length > 1 ? 'too many arguments' : !isIntArg(a[0]) ? errInfo(0, 'int') : undefined);
const FSP_FMT = ['', '.S', '.SS', '.SSS', '.SSSS', '.SSSSS', '.SSSSSS'];

function current(timeOnly: boolean) {
  return (ctx: { clock: { now(): number } }, a: unknown[]): string => {
    const fsp = a.length > 0 && a[0] !== null && a[0] !== undefined ? Number(toInt(a[0], 'samekind')) : 0;
    const s = formatTime(new Date(ctx.clock.now()), 'yyyy-MM-dd HH:mm:ss' + (FSP_FMT[fsp] ?? ''));
    return timeOnly ? s.split(' ', 2)[1] : s;
  };
}
define(C, ['now', 'current_timestamp', 'local_time', 'local_timestamp'], { nil: 'nil', validate: vFsp, exec: current(false) });
define(C, ['cur_time', 'current_time'], { nil: 'nil', validate: vFsp, exec: current(true) });
define(C, ['cur_date', 'current_date'], {
  nil: 'nil', validate: vNoArg,
  exec: (ctx) => formatTime(new Date(ctx.clock.now()), 'yyyy-MM-dd'),
});

const v2dtStr = (strictStr: boolean): Validator => (a) =>
  vLen(2, a.length) ?? (notDatetime(a[0]) ? errInfo(0, 'datetime') : (strictStr ? !isStringArg(a[1]) : notString(a[1])) ? errInfo(1, 'string') : undefined);

define(C, 'format_time', { nil: 'nil', validate: v2dtStr(false), exec: (_c, a) => formatTime(toTime(a[0]), str(a[1])) });
define(C, 'date_calc', {
  nil: 'nil', validate: v2dtStr(true),
  exec: (_c, a) => {
    const t = toTime(a[0]);
    let d = str(a[1]);
    let sign = 1;
    if (d.startsWith('-')) { sign = -1; d = d.slice(1); }
    const ms = parseDuration(d);
    return formatTime(new Date(t.getTime() + sign * ms), 'yyyy-MM-dd HH:mm:ss');
  },
});
define(C, 'date_diff', {
  nil: 'nil',
  validate: (a) => vLen(2, a.length) ?? (notDatetime(a[0]) || notDatetime(a[1]) ? errInfo(0, 'datetime') : undefined),
  // Go returns a time.Duration: nanoseconds as int64.
  exec: (_c, a) => BigInt(toTime(a[1]).getTime() - toTime(a[0]).getTime()) * 1000000n,
});

function part(name: string | string[], get: (d: Date) => unknown, validate: Validator = vOneDatetime): void {
  define(C, name, { nil: 'nil', validate, exec: (_c, a) => get(toTime(a[0])) });
}
const P = (d: Date) => partsOf(d.getTime());
part('day_name', (d) => DAYS[P(d).weekday]);
part(['day_of_month', 'day'], (d) => BigInt(P(d).day));
part('day_of_week', (d) => BigInt(P(d).weekday));
part('day_of_year', (d) => {
  const p = P(d);
  return BigInt((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000 + 1);
});
part('hour', (d) => BigInt(P(d).hour));
part('minute', (d) => BigInt(P(d).minute));
part('second', (d) => BigInt(P(d).second));
part('microsecond', (d) => BigInt(P(d).ms * 1000));
part('month', (d) => BigInt(P(d).month));
part('month_name', (d) => MONTHS[P(d).month - 1], (a) => vLen(1, a.length) ?? (notDatetime(a[0]) ? errInfo(1, 'datetime') : undefined));
part('last_day', (d) => {
  const p = P(d);
  const last = new Date(Date.UTC(p.year, p.month, 0));
  return formatTime(last, 'yyyy-MM-dd', 'UTC');
});

const vIntOnly: Validator = (a) =>
  vLen(1, a.length) ?? (isNumericArg(a[0]) || isStringArg(a[0]) || isBoolArg(a[0]) ? errInfo(0, 'int') : undefined);
define(C, 'from_days', {
  nil: 'nil', validate: vIntOnly,
  exec: (_c, a) => {
    const days = Number(toInt(a[0], 'strict'));
    if (days === 0) return null;
    return formatTime(new Date((days - 1) * 86400000), 'yyyy-MM-dd');
  },
});
define(C, 'from_unix_time', {
  nil: 'nil', validate: vIntOnly,
  exec: (_c, a) => {
    const s = Number(toInt(a[0], 'strict'));
    if (s === 0) return null;
    return formatTime(new Date(s * 1000), 'yyyy-MM-dd HH:mm:ss');
  },
});
