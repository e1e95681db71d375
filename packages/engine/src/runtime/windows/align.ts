import type { TimeUnit } from '../../sql/ast.js';

const UNIT_MS: Record<TimeUnit, number> = { DD: 86_400_000, HH: 3_600_000, MI: 60_000, SS: 1000, MS: 1 };

/** Milliseconds of one time unit. */
export function unitMs(unit: TimeUnit): number {
  return UNIT_MS[unit];
}

/**
 * eKuiper's `getAlignedWindowEndTime`: the first window end after `ts`, aligned to multiples
 * of `interval` units inside the enclosing calendar unit (seconds within the minute, minutes
 * within the hour, ...), not to epoch multiples. Its strict `>` is kept: when the current unit
 * value equals `interval` the result is the truncated time itself. Computed in UTC.
 */
export function alignedWindowEnd(ts: number, interval: number, unit: TimeUnit): number {
  const d = new Date(ts);
  const y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate();
  const gap = (cur: number): number => (cur > interval ? interval * (Math.floor(cur / interval) + 1) : interval);
  switch (unit) {
    case 'DD':
      return Date.UTC(y, mo, day + interval);
    case 'HH':
      return Date.UTC(y, mo, day) + gap(d.getUTCHours()) * 3_600_000;
    case 'MI':
      return Date.UTC(y, mo, day, d.getUTCHours()) + gap(d.getUTCMinutes()) * 60_000;
    case 'SS':
      return Date.UTC(y, mo, day, d.getUTCHours(), d.getUTCMinutes()) + gap(d.getUTCSeconds()) * 1000;
    case 'MS':
      return Date.UTC(y, mo, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) + gap(d.getUTCMilliseconds());
  }
}
