import { OortError } from '../errors.js';
import type { Duration } from './oort-config.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Milliseconds of a duration: a number is already milliseconds (eKuiper's rule options
 * convention); a string is Go's duration syntax ("300s", "1h30m", "250ms") or a bare number.
 */
export function parseDuration(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new OortError('GENERAL', `invalid duration ${d}`);
    return d;
  }
  const s = d.trim();
  if (s === '' || s === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (m === null) throw new OortError('GENERAL', `invalid duration "${d}"`);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  return total;
}

/** Whether `d` is a valid duration. */
export function isDuration(d: unknown): d is Duration {
  if (typeof d !== 'number' && typeof d !== 'string') return false;
  try {
    parseDuration(d);
    return true;
  } catch {
    return false;
  }
}
