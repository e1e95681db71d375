import type { Call, Expr, SelectStatement } from '../../sql/ast.js';
import { getBuiltin } from '../../functions/registry.js';
import type { ResolvedFunction } from './scope.js';

/** Direct sub-expressions of a node. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'BinaryExpr': return [e.lhs, e.rhs];
    case 'ParenExpr': case 'JsonAccess': return [e.expr];
    case 'IndexExpr': return [e.expr, e.index];
    case 'SliceExpr': return [e.expr, ...(e.start ? [e.start] : []), ...(e.end ? [e.end] : [])];
    case 'Call': return [...e.args, ...(e.over?.partitionBy ?? []), ...(e.over?.orderBy.map((s) => s.expr) ?? []), ...(e.over?.when ? [e.over.when] : [])];
    case 'CaseExpr': return [...(e.value ? [e.value] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'InExpr': return [e.expr, ...(e.list ?? []), ...(e.array ? [e.array] : [])];
    case 'BetweenExpr': return [e.expr, e.low, e.high];
    case 'LikeExpr': return [e.expr, e.pattern];
    case 'Wildcard': return e.replace.map((f) => f.expr);
    default: return [];
  }
}

/** Visits every Call in the expression, outer calls first. */
export function forEachCall(e: Expr, fn: (c: Call) => void): void {
  if (e.kind === 'Call') fn(e);
  for (const c of children(e)) forEachCall(c, fn);
}

type Resolve = (name: string) => ResolvedFunction | undefined;

function kindOf(f: ResolvedFunction | undefined): string | undefined {
  if (!f) return undefined;
  return 'kind' in f ? (f as { kind: string }).kind : f.type;
}

const AGG_INTRINSICS = new Set(['last_agg_hit_count', 'last_agg_hit_time']);

/** Aggregate calls in the expressions (not looking inside an aggregate's own arguments). */
export function collectAggregateCalls(exprs: readonly Expr[], resolve: Resolve = getBuiltin): Call[] {
  const out: Call[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'Call' && (kindOf(resolve(e.name)) === 'aggregate' || AGG_INTRINSICS.has(e.name))) {
      out.push(e);
      return;
    }
    for (const c of children(e)) visit(c);
  };
  exprs.forEach(visit);
  return out;
}

/** Analytic calls (lag, latest, acc_*, changed_col, had_changed) in the expressions. */
export function collectAnalyticCalls(exprs: readonly Expr[], resolve: Resolve = getBuiltin): Call[] {
  const out: Call[] = [];
  for (const e of exprs) forEachCall(e, (c) => { if (kindOf(resolve(c.name)) === 'analytic') out.push(c); });
  return out;
}

/**
 * eKuiper's `WithAggFields`: the SELECT list has an aggregate call, or GROUP BY has
 * dimensions besides the window. Such a query emits one row per group.
 */
export function isAggregateQuery(stmt: SelectStatement, resolve: Resolve = getBuiltin): boolean {
  if (stmt.dimensions.length > 0) return true;
  return collectAggregateCalls(stmt.fields.map((f) => f.expr), resolve).length > 0;
}
