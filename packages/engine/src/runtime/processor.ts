import type { Clock, Row } from '@oort/sdk';
import type { RuleDef } from '../rules/rule-def.js';
import type { RulePlan } from '../plan/rule-plan.js';
import { NodeMetrics } from './nodes/metrics.js';
import type { EvalRow, Tuple } from './tuple.js';
import { compileCondition, compileExpr } from './expr/compile.js';
import { compileProjectionSet, withSelectAliases } from './expr/projection.js';
import { compileAnalyticStep } from './expr/calls.js';
import { collectAnalyticCalls } from './expr/walk.js';
import { AnalyticKeys, HitState, type CompileScope, type ResolvedFunction } from './expr/scope.js';
import type { Expr } from '../sql/ast.js';
import { buildWindowStage } from './window-stage.js';
import type { LookupFn } from './joins/lookup-join.js';

/** The operators of a rule between its sources and its sinks. */
export interface Processor {
  readonly metrics: NodeMetrics[];
  process(t: Tuple): void;
  /** Average processing time per record of the last batch, in microseconds. */
  latency(us: number): void;
  /** A record dropped because the rule's input queue was full. */
  dropped(t: Tuple): void;
  start(): void;
  stop(): void;
  /** Resolves when asynchronous work started so far (lookup joins) has been emitted. */
  idle?(): Promise<void>;
}

export interface ProcessorOptions {
  plan: RulePlan;
  rule: RuleDef;
  clock: Clock;
  firstOpIndex: number;
  resolveFunction(name: string): ResolvedFunction | undefined;
  ignoreCase: boolean;
  emit(rows: Row[]): void;
  /** Queries a lookup table's source (`Source.lookup`); rules joining a lookup table need it. */
  lookup?: LookupFn;
}

export function createScope(o: ProcessorOptions, ruleStart: number): CompileScope {
  return {
    sources: o.plan.streams.map((s, i) => ({
      name: s.name,
      alias: i === 0 ? o.plan.stmt.from.alias : o.plan.stmt.joins[i - 1]?.source.alias,
      fields: s.fields,
    })),
    resolveFunction: o.resolveFunction,
    ruleId: o.rule.id,
    ruleStart,
    clock: o.clock,
    hits: new HitState(),
    ignoreCase: o.ignoreCase,
    funcIds: { next: 0 },
    analytics: new AnalyticKeys(),
  };
}

/**
 * eKuiper evaluates analytic functions (lag, latest, acc_*, ...) once per row before WHERE
 * and windows; the returned step stores their results on the row for every later reader.
 */
export function analyticStep(o: ProcessorOptions, scope: CompileScope): ((row: EvalRow) => void) | undefined {
  const { stmt } = o.plan;
  const exprs: Expr[] = [...stmt.fields.map((f) => f.expr), ...(stmt.where ? [stmt.where] : []), ...(stmt.having ? [stmt.having] : []), ...stmt.orderBy.map((x) => x.expr)];
  const calls = collectAnalyticCalls(exprs, (n) => scope.resolveFunction?.(n) as never);
  // analytic arguments may use SELECT aliases (`lag(b)` where `b` is an alias), as in eKuiper
  return calls.length ? compileAnalyticStep(calls, withSelectAliases(scope, stmt.fields), compileExpr) : undefined;
}

/** An error of one stage, with eKuiper's prefix (`run Where error: ...`). */
export function stageError(stage: string, e: unknown): Error {
  return new Error(`run ${stage} error: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * Lowers a plan to operators. A stream rule without a window runs, per record:
 * filter (WHERE) → project (SELECT) → emit one row. Window, join and event-time rules hand
 * records to the window stage, which emits collections.
 */
export function buildProcessor(o: ProcessorOptions): Processor {
  if (o.plan.stmt.window || o.plan.streams.length > 1 || o.rule.options.isEventTime) return buildWindowStage(o);
  return buildRowStage(o);
}

function buildRowStage(o: ProcessorOptions): Processor {
  const { stmt } = o.plan;
  const scope = createScope(o, o.clock.now());
  let op = o.firstOpIndex;
  const metrics: NodeMetrics[] = [];
  const analytic = analyticStep(o, scope);
  const analyticM = analytic ? new NodeMetrics(`op_${op++}_analytic`) : undefined;
  if (analyticM) metrics.push(analyticM);
  const filterM = stmt.where ? new NodeMetrics(`op_${op++}_filter`) : undefined;
  if (filterM) metrics.push(filterM);
  const projectM = new NodeMetrics(`op_${op++}_project`);
  metrics.push(projectM);
  const where = stmt.where ? compileCondition(stmt.where, withSelectAliases(scope, stmt.fields)) : undefined;
  const project = compileProjectionSet(stmt.fields, scope, { sendNilField: o.rule.options.sendNilField });
  const { sendError, sendMetaToSink } = o.rule.options;
  const clock = o.clock;
  const hits = scope.hits!;
  const limit = stmt.limit;

  const fail = (m: NodeMetrics, stage: string, e: unknown): void => {
    const err = stageError(stage, e);
    m.error(err, clock.now());
    if (sendError) o.emit([{ error: err.message }]);
  };

  return {
    metrics,
    process(t: Tuple): void {
      // a shared tuple is never written to: analytic results go on a per-rule row
      const row: EvalRow = analytic ? { data: t.data, meta: t.meta, ts: t.ts, emitter: t.emitter } : (t as EvalRow);
      if (analytic) {
        analyticM!.recordsIn++;
        try {
          analytic(row);
        } catch (e) {
          fail(analyticM!, 'Analytic', e);
          return;
        }
        analyticM!.recordsOut++;
      }
      if (filterM) {
        filterM.recordsIn++;
        let pass: boolean;
        try {
          pass = where!(row);
        } catch (e) {
          fail(filterM, 'Where', e);
          return;
        }
        if (!pass) return;
        filterM.recordsOut++;
      }
      projectM.recordsIn++;
      let out: Row[];
      try {
        out = project(row);
      } catch (e) {
        fail(projectM, 'Select', e);
        return;
      }
      hits.onPass(t.ts);
      if (limit !== undefined && out.length > limit) out = out.slice(0, limit);
      if (!out.length) return;
      if (sendMetaToSink) out = out.map((r) => ({ ...r, __meta: t.meta }));
      projectM.recordsOut++;
      if (out.length === 1) o.emit(out);
      else for (const r of out) o.emit([r]);
    },
    latency(us: number): void {
      projectM.processLatencyUs = Math.round(us);
      projectM.lastInvocation = clock.now();
    },
    dropped(): void {
      (filterM ?? projectM).error(new Error('buffer full, record dropped'), clock.now());
    },
    start() {},
    stop() {},
  };
}
