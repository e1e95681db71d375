import type { Row } from '@oort/sdk';
import type { SelectStatement } from '../../sql/ast.js';
import { compileCondition, compileExpr } from '../expr/compile.js';
import { compileProjectionSet } from '../expr/projection.js';
import { compileSorter } from '../expr/sort.js';
import { compileWindowFunctionStep, findWindowFunctionCall } from '../expr/window-functions.js';
import type { CompileScope } from '../expr/scope.js';
import { NodeMetrics } from '../nodes/metrics.js';
import { EvalError, type EvalRow, type Evaluator } from '../tuple.js';
import { formatValue } from '../value.js';

/** A failure of one stage on one collection, with eKuiper's text ("run Where error: ..."). */
export class StageError extends Error {
  constructor(message: string, readonly metrics: NodeMetrics) {
    super(message);
  }
}

export interface CollectionStageOptions {
  stmt: SelectStatement;
  /** Scope with `analytics` (row_number and analytic results are read from row.aliases). */
  scope: CompileScope;
  /** The same scope with SELECT aliases bound (WHERE, GROUP BY, HAVING, ORDER BY). */
  aliasScope: CompileScope;
  aggregate: boolean;
  /** WHERE runs here (after the window / join); false when it was pushed before the window. */
  where: boolean;
  joins?: (rows: readonly EvalRow[]) => EvalRow[];
  sendNilField: boolean;
  /** Operator index for metric names. */
  nextOp(): number;
}

/** The stages after a window or join, as one compiled function. */
export interface CollectionStage {
  readonly metrics: NodeMetrics[];
  /**
   * Runs join → WHERE → GROUP BY → HAVING → row_number → ORDER BY → SELECT/LIMIT over one
   * collection. Returns the rows to emit, or null when nothing is emitted (an empty join or
   * WHERE result, no group left). Throws a StageError.
   */
  run(rows: EvalRow[], start: number | undefined, end: number | undefined): Row[] | null;
}

export function compileCollectionStage(o: CollectionStageOptions): CollectionStage {
  const { stmt, scope, aliasScope } = o;
  const metrics: NodeMetrics[] = [];
  const m = (name: string): NodeMetrics => {
    const x = new NodeMetrics(`op_${o.nextOp()}_${name}`);
    metrics.push(x);
    return x;
  };
  const joinM = o.joins ? m('join') : undefined;
  const whereM = o.where && stmt.where ? m('filter') : undefined;
  const where = whereM ? compileCondition(stmt.where!, aliasScope) : undefined;
  const aggM = stmt.dimensions.length ? m('aggregate') : undefined;
  const dims = stmt.dimensions.map((d) => compileExpr(d, aliasScope));
  const havingM = stmt.having ? m('having') : undefined;
  const having = stmt.having ? compileCondition(stmt.having, aliasScope) : undefined;
  const rnCall = findWindowFunctionCall(stmt.fields);
  const rowNumber = rnCall ? compileWindowFunctionStep(rnCall, scope) : undefined;
  const orderM = stmt.orderBy.length ? m('order') : undefined;
  const sorter = stmt.orderBy.length ? compileSorter(stmt.orderBy, aliasScope) : undefined;
  const projectM = m('project');
  const project = compileProjectionSet(stmt.fields, scope, { sendNilField: o.sendNilField });
  const limit = stmt.limit;
  const hits = scope.hits;
  const joins = o.joins;

  const guard = <T>(mx: NodeMetrics, prefix: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof EvalError || !(e instanceof StageError)) throw new StageError(`${prefix}${(e as Error).message}`, mx);
      throw e;
    }
  };

  return {
    metrics,
    run(input, start, end) {
      let rows = input;
      // eKuiper: a window row answers window_start()/window_end() in a plain projection, while
      // inside an aggregate each row keeps its own event_time(); the group row has the range.
      if (!o.aggregate) {
        for (const r of rows) {
          r.winStart = start;
          r.winEnd = end;
        }
      }
      if (joins) {
        joinM!.recordsIn++;
        rows = guard(joinM!, 'run Join error: ', () => joins(rows));
        if (rows.length === 0) return null;
        joinM!.recordsOut++;
      }
      if (where) {
        whereM!.recordsIn++;
        rows = guard(whereM!, 'run Where error: ', () => rows.filter((r) => where(r)));
        if (rows.length === 0) return null;
        whereM!.recordsOut++;
      }
      let list: EvalRow[];
      if (o.aggregate) {
        let groups: EvalRow[][];
        if (dims.length) {
          aggM!.recordsIn++;
          groups = guard(aggM!, 'run Group By error: ', () => groupBy(rows, dims));
          if (groups.length === 0) return null;
          aggM!.recordsOut++;
        } else {
          groups = [rows];
        }
        list = groups.map((g) => groupRow(g, start, end));
      } else {
        list = rows;
      }
      if (having) {
        havingM!.recordsIn++;
        list = guard(havingM!, 'run Having error: ', () => {
          if (o.aggregate) return list.filter((r) => having(r));
          return having(groupRow(list, start, end)) ? list : [];
        });
        if (list.length === 0) return null;
        havingM!.recordsOut++;
      }
      if (rowNumber) list = rowNumber(list.slice());
      if (sorter) {
        orderM!.recordsIn++;
        list = guard(orderM!, 'run Order By error: ', () => sorter(list.slice()));
        orderM!.recordsOut++;
      }
      projectM.recordsIn++;
      if (limit === 0) {
        projectM.recordsOut++;
        return [];
      }
      const out: Row[] = [];
      guard(projectM, 'run Select error: ', () => {
        for (const r of list) {
          for (const x of project(r)) out.push(x);
          if (limit !== undefined && out.length >= limit) break;
        }
      });
      if (limit !== undefined && out.length > limit) out.length = limit;
      if (hits) {
        if (o.aggregate) hits.onAggPass(end ?? list[0]?.ts ?? 0);
        else if (end === undefined) for (const r of list) hits.onPass(r.ts);
      }
      projectM.recordsOut++;
      return out;
    },
  };
}

/** Groups in order of first appearance; the key is the `%v` texts of the dimensions. */
function groupBy(rows: readonly EvalRow[], dims: readonly Evaluator[]): EvalRow[][] {
  const groups = new Map<string, EvalRow[]>();
  for (const r of rows) {
    let key = '';
    for (const d of dims) key += formatValue(d(r)) + ',';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  return [...groups.values()];
}

/** The row an aggregate is evaluated on: first row's columns, all rows as `group`. */
function groupRow(g: readonly EvalRow[], start: number | undefined, end: number | undefined): EvalRow {
  const first = g[0];
  const row: EvalRow = {
    data: first?.data ?? {},
    meta: first?.meta ?? {},
    ts: first?.ts ?? end ?? 0,
    emitter: first?.emitter ?? '',
    group: g,
    winStart: start,
    winEnd: end,
  };
  if (first?.parts) row.parts = first.parts;
  if (first?.aliases) row.aliases = { ...first.aliases };
  return row;
}
