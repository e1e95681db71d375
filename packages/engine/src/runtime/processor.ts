import type { Clock, Row } from '@oort/sdk';
import type { RuleDef } from '../rules/rule-def.js';
import type { RulePlan } from '../plan/rule-plan.js';
import { NodeMetrics } from './nodes/metrics.js';
import type { EvalRow, Tuple } from './tuple.js';
import { compileCondition } from './expr/compile.js';
import { compileProjection } from './expr/projection.js';
import { HitState, type CompileScope, type ResolvedFunction } from './expr/scope.js';
import { buildWindowStage } from './window-stage.js';

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
}

export interface ProcessorOptions {
  plan: RulePlan;
  rule: RuleDef;
  clock: Clock;
  firstOpIndex: number;
  resolveFunction(name: string): ResolvedFunction | undefined;
  ignoreCase: boolean;
  emit(rows: Row[]): void;
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
  };
}

/**
 * Lowers a plan to operators. A stream rule without a window runs, per record:
 * filter (WHERE) → project (SELECT) → emit one row. Window rules hand records to the
 * window stage, which emits collections.
 */
export function buildProcessor(o: ProcessorOptions): Processor {
  if (o.plan.stmt.window || o.plan.streams.length > 1) return buildWindowStage(o);
  return buildRowStage(o);
}

function buildRowStage(o: ProcessorOptions): Processor {
  const { stmt } = o.plan;
  const scope = createScope(o, o.clock.now());
  let op = o.firstOpIndex;
  const metrics: NodeMetrics[] = [];
  const filterM = stmt.where ? new NodeMetrics(`op_${op++}_filter`) : undefined;
  if (filterM) metrics.push(filterM);
  const projectM = new NodeMetrics(`op_${op++}_project`);
  metrics.push(projectM);
  const where = stmt.where ? compileCondition(stmt.where, scope) : undefined;
  const project = compileProjection(stmt.fields, scope, { sendNilField: o.rule.options.sendNilField });
  const { sendError, sendMetaToSink } = o.rule.options;
  const clock = o.clock;
  const hits = scope.hits!;
  const limit = stmt.limit;

  const fail = (m: NodeMetrics, e: unknown): void => {
    m.error(e, clock.now());
    if (sendError) o.emit([{ error: (e as Error).message ?? String(e) }]);
  };

  return {
    metrics,
    process(t: Tuple): void {
      const row = t as EvalRow;
      if (filterM) {
        filterM.recordsIn++;
        let pass: boolean;
        try {
          pass = where!(row);
        } catch (e) {
          fail(filterM, e);
          return;
        }
        if (!pass) return;
        filterM.recordsOut++;
      }
      projectM.recordsIn++;
      let out: Row;
      try {
        out = project(row);
      } catch (e) {
        fail(projectM, e);
        return;
      }
      hits.onPass(t.ts);
      if (limit === 0) return;
      if (sendMetaToSink) out = { ...out, __meta: t.meta };
      projectM.recordsOut++;
      o.emit([out]);
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
