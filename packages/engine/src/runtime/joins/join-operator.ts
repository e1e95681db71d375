import type { Expr, Join, JoinType, SelectStatement } from '../../sql/ast.js';
import { compileExpr } from '../expr/compile.js';
import { walk } from '../../plan/planner.js';
import type { CompileScope } from '../expr/scope.js';
import { EvalError, type EvalRow, type Evaluator, type Tuple } from '../tuple.js';
import { formatValue, typeName } from '../value.js';

/** One compiled JOIN clause. */
interface JoinStep {
  readonly type: JoinType;
  /** Source names (not aliases) of the left and right side. */
  readonly left: string;
  readonly right: string;
  readonly on?: Evaluator;
}

/**
 * Joins the rows of a collection (a window's content plus the retained rows of scan tables),
 * clause by clause from left to right, as eKuiper's JoinOp does, including the order in which
 * it produces outer-join rows. Each result row has `parts` (source name → row). Throws an
 * `EvalError` with eKuiper's text; the stage prefixes "run Join error: ".
 */
export function compileJoins(stmt: SelectStatement, scope: CompileScope): (rows: readonly EvalRow[]) => EvalRow[] {
  const nameOf = new Map<string, string>();
  const from = stmt.from;
  nameOf.set(from.name, from.name);
  if (from.alias) nameOf.set(from.alias, from.name);
  for (const j of stmt.joins) {
    nameOf.set(j.source.name, j.source.name);
    if (j.source.alias) nameOf.set(j.source.alias, j.source.name);
  }
  const aliasExprs = new Map<string, Expr>();
  for (const f of stmt.fields) if (f.alias) aliasExprs.set(f.alias, f.expr);
  const steps: JoinStep[] = stmt.joins.map((j) => {
    const [left, right] = j.type === 'CROSS' ? [from.name, j.source.name] : sidesOf(j, from.name, nameOf, aliasExprs);
    return { type: j.type, left, right, on: j.on ? compileExpr(j.on, scope) : undefined };
  });
  return (rows) => {
    const bySrc = new Map<string, EvalRow[]>();
    for (const r of rows) {
      let l = bySrc.get(r.emitter);
      if (!l) bySrc.set(r.emitter, (l = []));
      l.push(r);
    }
    let sets: EvalRow[][] = [];
    steps.forEach((s, i) => {
      const rights = bySrc.get(s.right) ?? [];
      const lefts = i === 0 ? (bySrc.get(s.left) ?? []).map((r) => [r]) : sets;
      sets = joinSets(s, lefts, rights);
    });
    return sets.map(toJoinRow);
  };
}

/** The two sources a join's ON refers to, in order; else FROM and the joined source. */
function sidesOf(j: Join, from: string, nameOf: Map<string, string>, aliasExprs: Map<string, Expr>): [string, string] {
  const srcs: string[] = [];
  const seen = new Set<string>();
  const visit = (e: Expr, depth: number): void => {
    walk(e, (n) => {
      if (n.kind !== 'FieldRef') return;
      if (n.stream) {
        const name = nameOf.get(n.stream) ?? n.stream;
        if (!seen.has(name)) { seen.add(name); srcs.push(name); }
      } else if (depth < 8 && aliasExprs.has(n.name)) {
        visit(aliasExprs.get(n.name)!, depth + 1);
      }
    });
  };
  if (j.on) visit(j.on, 0);
  if (srcs.length === 2) return [srcs[0]!, srcs[1]!];
  return [from, j.source.name];
}

function onMatches(s: JoinStep, tuples: EvalRow[]): boolean {
  if (!s.on) return true;
  const v = s.on(toJoinRow(tuples));
  if (typeof v === 'boolean') return v;
  throw new EvalError(`invalid join condition that returns non-bool value ${typeName(v)}(${formatValue(v)})`);
}

function joinSets(s: JoinStep, lefts: EvalRow[][], rights: EvalRow[]): EvalRow[][] {
  if (s.type === 'RIGHT') return rightJoin(s, lefts, rights, false);
  const out: EvalRow[][] = [];
  const outer = s.type === 'LEFT' || s.type === 'FULL';
  for (const left of lefts) {
    let leftJoined = false;
    for (let i = 0; i < rights.length; i++) {
      const right = rights[i]!;
      let joined = false;
      let merged: EvalRow[] = outer || s.type === 'CROSS' ? [...left] : [];
      if (s.type === 'CROSS') {
        joined = true;
        merged.push(right);
      } else if (onMatches(s, [...left, right])) {
        leftJoined = joined = true;
        merged = s.type === 'INNER' ? [...left, right] : [...merged, right];
      }
      if (joined || (!leftJoined && i === rights.length - 1 && merged.length > 0)) {
        leftJoined = true;
        out.push(merged);
      }
    }
    if (!leftJoined && outer) out.push([...left]);
  }
  if (s.type === 'FULL') out.push(...rightJoin(s, lefts, rights, true));
  return out;
}

/** Right rows with their matching left sets; `onlyUnmatched` for the right half of a FULL join. */
function rightJoin(s: JoinStep, lefts: EvalRow[][], rights: EvalRow[], onlyUnmatched: boolean): EvalRow[][] {
  const out: EvalRow[][] = [];
  for (const right of rights) {
    let joint = false;
    for (let i = 0; i < lefts.length; i++) {
      const left = lefts[i]!;
      let joined = false;
      const merged: EvalRow[] = [right];
      if (onMatches(s, [...left, right])) {
        merged.push(...left);
        joint = joined = true;
      }
      if (!onlyUnmatched && (joined || (!joint && i === lefts.length - 1 && merged.length > 0))) {
        joint = true;
        out.push(merged);
      }
    }
    if (!joint) out.push([right]);
  }
  return out;
}

function toJoinRow(tuples: readonly EvalRow[]): EvalRow {
  const parts: Record<string, Tuple | undefined> = {};
  for (const t of tuples) if (!(t.emitter in parts)) parts[t.emitter] = t;
  const first = tuples[0]!;
  const row: EvalRow = { data: first.data, meta: first.meta, ts: first.ts, emitter: first.emitter, parts };
  if (first.winStart !== undefined) row.winStart = first.winStart;
  if (first.winEnd !== undefined) row.winEnd = first.winEnd;
  for (const t of tuples) {
    if (t.aliases) row.aliases = { ...t.aliases, ...row.aliases };
  }
  return row;
}
