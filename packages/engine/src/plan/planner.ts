import { oortError } from '../errors.js';
import type { Catalog } from '../catalog/catalog.js';
import type { StreamDef } from '../catalog/stream-def.js';
import { parseSelect } from '../sql/index.js';
import type { Expr, SelectStatement } from '../sql/ast.js';
import { getBuiltin } from '../functions/registry.js';
import type { RulePlan } from './rule-plan.js';

/**
 * Parses a rule's SQL and checks it against the catalog: every source exists, tables are
 * only joined, stream-stream joins have a window, GROUP BY dimensions have a window,
 * functions exist.
 */
export function planRule(sql: string, catalog: Catalog, resolvePluginFunction?: (name: string) => unknown): RulePlan {
  let stmt: SelectStatement;
  try {
    stmt = parseSelect(sql);
  } catch (e) {
    throw oortError('SQL_PARSE', (e as Error).message, e);
  }
  const refs = [stmt.from, ...stmt.joins.map((j) => j.source)];
  const streams: StreamDef[] = refs.map((r) => {
    const def = catalog.get(r.name);
    if (!def) throw oortError('PLAN', `stream or table ${r.name} is not found`);
    return def;
  });
  if (streams[0]!.kind === 'table' && stmt.joins.length === 0) {
    throw oortError('PLAN', `table ${streams[0]!.name} can only be used in a join with a stream`);
  }
  const streamCount = streams.filter((s) => s.kind === 'stream').length;
  if (streamCount > 1 && !stmt.window) {
    throw oortError('PLAN', 'a time window or count window is required to join multiple streams');
  }
  if (stmt.dimensions.length && !stmt.window) {
    throw oortError('PLAN', 'GROUP BY dimensions require a window');
  }
  if (stmt.window && streams.some((s) => s.kind === 'table') && streamCount === 0) {
    throw oortError('PLAN', 'cannot run window for TABLE sources');
  }
  let aggregate = stmt.dimensions.length > 0;
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    walk(e, (n) => {
      if (n.kind !== 'Call') return;
      const f = getBuiltin(n.name);
      if (!f && !resolvePluginFunction?.(n.name)) throw oortError('PLAN', `function ${n.name} not found`);
      if (f?.kind === 'aggregate') aggregate = true;
    });
  };
  for (const f of stmt.fields) visit(f.expr);
  visit(stmt.where);
  visit(stmt.having);
  for (const o of stmt.orderBy) visit(o.expr);
  return { stmt, streams, aggregate };
}

/** Calls `fn` on `e` and every sub-expression. */
export function walk(e: Expr, fn: (e: Expr) => void): void {
  fn(e);
  switch (e.kind) {
    case 'BinaryExpr': walk(e.lhs, fn); walk(e.rhs, fn); break;
    case 'ParenExpr': walk(e.expr, fn); break;
    case 'JsonAccess': walk(e.expr, fn); break;
    case 'IndexExpr': walk(e.expr, fn); walk(e.index, fn); break;
    case 'SliceExpr': walk(e.expr, fn); if (e.start) walk(e.start, fn); if (e.end) walk(e.end, fn); break;
    case 'Call':
      for (const a of e.args) walk(a, fn);
      if (e.over) { for (const p of e.over.partitionBy) walk(p, fn); if (e.over.when) walk(e.over.when, fn); }
      break;
    case 'CaseExpr':
      if (e.value) walk(e.value, fn);
      for (const w of e.whens) { walk(w.when, fn); walk(w.then, fn); }
      if (e.else) walk(e.else, fn);
      break;
    case 'InExpr': walk(e.expr, fn); e.list?.forEach((x) => walk(x, fn)); if (e.array) walk(e.array, fn); break;
    case 'BetweenExpr': walk(e.expr, fn); walk(e.low, fn); walk(e.high, fn); break;
    case 'LikeExpr': walk(e.expr, fn); walk(e.pattern, fn); break;
    case 'Wildcard': for (const r of e.replace) walk(r.expr, fn); break;
    default: break;
  }
}
