import { toTime } from '../../functions/time.js';

/**
 * eKuiper's `cast.InterfaceToTime(v, "")` as comparisons use it: a datetime as is, integers and
 * floats as epoch milliseconds, strings parsed with the default layouts in the configured time
 * zone (the function library's parser, so SQL comparisons and datetime functions agree).
 * Undefined when not convertible.
 */
export function toDatetime(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v !== 'bigint' && typeof v !== 'number' && typeof v !== 'string') return undefined;
  try {
    const d = toTime(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  } catch {
    return undefined;
  }
}
