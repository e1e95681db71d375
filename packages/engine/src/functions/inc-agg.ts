/**
 * Incremental aggregates (`inc_*`, eKuiper `funcs_inc_agg.go`): the planner rewrites an
 * aggregate to these when incremental windows are on. Each call sees one row's value and keeps
 * the running result in the call site's state (`ctx.state`); the window resets the state.
 */
import { define, fail, vOneArg, vOneNumber, vTwoNumber } from './define.js';
import { toFloat } from './cast.js';
import { extreme } from './aggregate.js';
import { isMap } from '../runtime/value.js';
import type { FunctionContext } from '@oort/sdk';

const C = 'aggregate';

function incCount(ctx: FunctionContext): bigint {
  const c = (ctx.state.get<bigint>('inc_count') ?? 0n) + 1n;
  ctx.state.put('inc_count', c);
  return c;
}
function incSum(ctx: FunctionContext, v: number): number {
  const prev = ctx.state.get<number>('inc_sum');
  const s = prev === undefined ? v : prev + v;
  ctx.state.put('inc_sum', s);
  return s;
}
function incExtreme(ctx: FunctionContext, v: unknown, max: boolean): unknown {
  const key = max ? 'inc_max' : 'inc_min';
  const prev = ctx.state.get(key);
  const args = prev === undefined || prev === null ? [v] : [v, prev];
  let r: unknown;
  try { r = extreme(args, max); } catch { return null; }
  if (typeof r === 'bigint' || typeof r === 'number' || typeof r === 'string') { ctx.state.put(key, r); return r; }
  return null;
}

define(C, 'inc_count', { nil: 'nil', validate: vOneArg, exec: (ctx) => incCount(ctx) });
define(C, 'inc_avg', {
  nil: 'nil', validate: vOneNumber,
  exec: (ctx, a) => { const v = toFloat(a[0], 'all'); const c = incCount(ctx); return incSum(ctx, v) / Number(c); },
});
define(C, 'inc_max', { nil: 'nil', validate: vOneNumber, exec: (ctx, a) => incExtreme(ctx, a[0], true) });
define(C, 'inc_min', { nil: 'nil', validate: vOneNumber, exec: (ctx, a) => incExtreme(ctx, a[0], false) });
define(C, 'inc_sum', { nil: 'nil', validate: vOneNumber, exec: (ctx, a) => incSum(ctx, toFloat(a[0], 'all')) });
define(C, 'inc_merge_agg', {
  nil: 'nil', validate: vOneNumber,
  exec: (ctx, a) => {
    if (!isMap(a[0])) return fail('argument is not a map[string]interface{}');
    const m = { ...(ctx.state.get<Record<string, unknown>>('inc_merge_agg') ?? {}), ...a[0] };
    ctx.state.put('inc_merge_agg', m);
    return m;
  },
});
define(C, 'inc_collect', {
  nil: 'nil', validate: vOneNumber,
  exec: (ctx, a) => {
    const l = [...(ctx.state.get<unknown[]>('inc_collect') ?? []), a[0]];
    ctx.state.put('inc_collect', l);
    return l;
  },
});
define(C, 'inc_last_value', {
  nil: 'nil', validate: vTwoNumber,
  exec: (ctx, a) => {
    if (typeof a[1] !== 'boolean') return fail('second argument is not a bool');
    if (a[0] === null || a[0] === undefined) return a[1] ? ctx.state.get('inc_last_value') ?? null : null;
    ctx.state.put('inc_last_value', a[0]);
    return a[0];
  },
});
