import type { FunctionDef } from '@oort/sdk';
import { arity, num } from './arg-checks.js';

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/**
 * `median_abs_dev(x)`, an aggregate: the median of the absolute deviations from the median,
 * a spread measure that one outlier cannot move. Nulls and non-numbers are ignored; a group
 * without numbers gives null. The engine passes the group's values as one array.
 *
 * @example
 * ```sql
 * SELECT deviceId, median_abs_dev(temperature) AS spread FROM demo GROUP BY deviceId, TUMBLINGWINDOW(ss, 10)
 * ```
 */
export const medianAbsDev: FunctionDef = {
  type: 'aggregate',
  validate: (args) => arity('median_abs_dev', args, 1),
  exec(_ctx, [values]) {
    const xs = (Array.isArray(values) ? values : [values]).map(num).filter((n): n is number => n !== undefined);
    if (xs.length === 0) return null;
    xs.sort((a, b) => a - b);
    const med = median(xs);
    return median(xs.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
  },
};
