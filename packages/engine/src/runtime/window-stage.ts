import type { Row } from '@oort/sdk';
import type { Expr, WindowSpec } from '../sql/ast.js';
import { toTime } from '../functions/time.js';
import { oortError } from '../errors.js';
import type { Processor, ProcessorOptions } from './processor.js';
import { createScope } from './processor.js';
import { NodeMetrics } from './nodes/metrics.js';
import type { EvalRow, Tuple } from './tuple.js';
import { compileCondition, compileExpr } from './expr/compile.js';
import { compileAnalyticStep } from './expr/calls.js';
import { withSelectAliases } from './expr/projection.js';
import { AnalyticKeys, MapStateStore, defaultFunctionContext, type CompileScope } from './expr/scope.js';
import { collectAnalyticCalls, forEachCall, isAggregateQuery } from './expr/walk.js';
import { formatValue } from './value.js';
import { compileJoins } from './joins/join-operator.js';
import { TableBuffer } from './joins/table-buffer.js';
import { LookupJoin } from './joins/lookup-join.js';
import { compileCollectionStage, StageError } from './windows/collection-stage.js';
import { CountWindow } from './windows/count-window.js';
import { StateWindow } from './windows/state-window.js';
import { TimeWindow } from './windows/time-window.js';
import { SlidingWindowV2 } from './windows/sliding-window-v2.js';
import { unitMs } from './windows/align.js';
import type { WindowEmit, WindowOperator, WindowSnapshot } from './windows/types.js';
import { WatermarkMetrics, WatermarkOperator } from './windows/watermark.js';
import { AggStore, planIncrementalAgg } from './windows/incremental-agg.js';
import { IncrementalTumblingWindow } from './windows/incremental-tumbling.js';

/** The window stage with access to its operator state (for checkpoints). */
export interface WindowStageProcessor extends Processor {
  /** Resolves when every asynchronous lookup started so far has been emitted. */
  idle(): Promise<void>;
  /** Versioned state of the watermark, window and scan tables. */
  snapshot(): WindowSnapshot;
  restore(s: unknown): void;
}

const HIT_FUNCS = new Set(['last_hit_count', 'last_hit_time']);

/**
 * Rules with a window, a join or event time. Per record: [event time + watermark] →
 * analytic functions → [FILTER, and WHERE when eKuiper pushes it down] → window (or, without
 * a window, the record itself joined with the scan tables) → collection stage
 * (join, WHERE, GROUP BY, HAVING, row_number, ORDER BY, SELECT, LIMIT) → one emission.
 */
export function buildWindowStage(o: ProcessorOptions): WindowStageProcessor {
  const { stmt, streams } = o.plan;
  const opts = o.rule.options;
  const eventTime = !!opts.isEventTime;
  const clock = o.clock;
  const win = stmt.window;
  let op = o.firstOpIndex;
  const nextOp = (): number => op++;
  const metrics: NodeMetrics[] = [];
  const node = (name: string): NodeMetrics => {
    const m = new NodeMetrics(`op_${nextOp()}_${name}`);
    metrics.push(m);
    return m;
  };

  // function call sites keep their state (lag, acc_*, ...) in stores the snapshot can reach
  const stores = new Map<number, MapStateStore>();
  const base = createScope(o, clock.now());
  const scope: CompileScope = {
    ...base,
    analytics: new AnalyticKeys(),
    functionContext: (id) => {
      const ctx = defaultFunctionContext(base, id);
      stores.set(id, ctx.state as MapStateStore);
      return ctx;
    },
  };
  const aliasScope = withSelectAliases(scope, stmt.fields);
  const hits = scope.hits!;

  const lookupTables = new Set(streams.filter((s) => s.kind === 'table' && (s.options.KIND ?? '').toLowerCase() === 'lookup').map((s) => s.name));
  for (const name of lookupTables) {
    if (!o.lookup) throw oortError('PLAN', `lookup table ${name} needs the runtime to provide lookups, which this one does not yet: use a scan table (KIND="scan")`);
  }
  const tables = new Map<string, TableBuffer>();
  for (const s of streams) if (s.kind === 'table' && !lookupTables.has(s.name)) tables.set(s.name, new TableBuffer(s.name, retainSize(s.options.RETAIN_SIZE, s.type)));
  const streamNames = streams.filter((s) => s.kind === 'stream').map((s) => s.name);
  const tsFields = new Map(streams.map((s) => [s.name, { field: s.options.TIMESTAMP, format: s.options.TIMESTAMP_FORMAT ?? '' }]));

  const fail = (m: NodeMetrics, message: string): void => {
    m.error(new Error(message), clock.now());
    if (opts.sendError) o.emit([{ error: message }]);
  };

  // ---------------------------------------------------------------- event time
  let wmM: WatermarkMetrics | undefined;
  let watermark: WatermarkOperator | undefined;
  if (eventTime) {
    wmM = new WatermarkMetrics(`op_${nextOp()}_watermark`);
    metrics.push(wmM);
  }

  // ---------------------------------------------------------------- analytic functions
  const analyticExprs: Expr[] = stmt.fields.map((f) => f.expr);
  if (stmt.where) analyticExprs.push(stmt.where);
  if (stmt.having) analyticExprs.push(stmt.having);
  for (const x of stmt.orderBy) analyticExprs.push(x.expr);
  const analyticCalls = collectAnalyticCalls(analyticExprs, o.resolveFunction);
  const analyticM = analyticCalls.length ? node('analytic') : undefined;
  const analytic = analyticCalls.length ? compileAnalyticStep(analyticCalls, aliasScope, compileExpr) : undefined;

  // ---------------------------------------------------------------- before the window
  const filterM = win?.filter ? node('windowFilter') : undefined;
  const filter = win?.filter ? compileCondition(win.filter, aliasScope) : undefined;
  const whereBefore = !!win && !!stmt.where && !eventTime && stmt.joins.length === 0 && (win.type === 'tumbling' || win.type === 'hopping' || win.type === 'session');
  const preWhereM = whereBefore ? node('filter') : undefined;
  const preWhere = whereBefore ? compileCondition(stmt.where!, aliasScope) : undefined;

  // ---------------------------------------------------------------- window and after
  const windowM = win ? node('window') : undefined;
  const plainJoins = stmt.joins.filter((j) => !lookupTables.has(j.source.name));
  const joins = plainJoins.length ? compileJoins({ ...stmt, joins: plainJoins }, aliasScope) : undefined;
  const lookupJoin = lookupTables.size ? new LookupJoin(stmt, lookupTables, aliasScope, () => clock.now()) : undefined;
  const lookupM = lookupJoin ? node('lookup') : undefined;
  // a pure aggregate over a tumbling window keeps accumulators instead of rows
  const incremental = planIncrementalAgg({
    stmt,
    resolve: (n) => o.resolveFunction(n),
    whereBefore,
    hasTables: streams.length !== 1 || streams[0]!.kind !== 'stream',
    enabled: incrementalOption(o),
  });
  const aggStore = incremental ? new AggStore(incremental, scope) : undefined;
  const stage = compileCollectionStage({
    stmt: incremental ? incremental.stmt : stmt,
    scope,
    aliasScope: incremental ? withSelectAliases(scope, incremental.stmt.fields) : aliasScope,
    // eKuiper's WithAggFields: aggregates in SELECT or GROUP BY dimensions (not HAVING alone)
    aggregate: isAggregateQuery(stmt, o.resolveFunction),
    where: !whereBefore,
    // with lookups the joins run here, before the asynchronous lookup step
    joins: lookupJoin ? undefined : joins,
    sendNilField: opts.sendNilField,
    nextOp,
  });
  metrics.push(...stage.metrics);

  /** Lookups are asynchronous: results leave in arrival order through this chain. */
  let chain: Promise<void> = Promise.resolve();

  const runStage = (rows: EvalRow[], input: EvalRow[], start: number | undefined, end: number | undefined): void => {
    let out: Row[] | null;
    try {
      out = stage.run(rows, start, end);
    } catch (e) {
      if (e instanceof StageError) fail(e.metrics, e.message);
      else fail(windowM ?? stage.metrics[0]!, (e as Error).message);
      return;
    }
    if (out) deliver(out, input);
  };

  const runCollection = (input: EvalRow[], start: number | undefined, end: number | undefined): void => {
    let rows = input;
    if (tables.size) for (const t of tables.values()) rows = rows.concat(t.content);
    if (!lookupJoin) {
      runStage(rows, input, start, end);
      return;
    }
    let joined = rows;
    if (joins) {
      try {
        joined = joins(rows);
      } catch (e) {
        fail(lookupM!, `run Join error: ${(e as Error).message}`);
        return;
      }
      if (joined.length === 0) return;
    }
    lookupM!.recordsIn++;
    const lookup = o.lookup!;
    chain = chain.then(async () => {
      let found: EvalRow[];
      try {
        found = await lookupJoin.apply(joined, lookup);
      } catch (e) {
        fail(lookupM!, `run lookup error: ${(e as Error).message}`);
        return;
      }
      if (found.length === 0) return;
      lookupM!.recordsOut++;
      runStage(found, input, start, end);
    });
  };

  const deliver = (out: Row[], input: EvalRow[]): void => {
    if (!win) {
      // a single record without a window: eKuiper's per-row output
      if (opts.sendMetaToSink) out = out.map((r) => ({ ...r, __meta: input[0]!.meta }));
      const joined = tables.size > 0 || lookupJoin !== undefined;
      if (!joined && out.length > 1) {
        for (const r of out) o.emit([r]);
        return;
      }
      if (!joined && out.length === 0) return;
    }
    o.emit(out);
  };

  const emitWindow: WindowEmit = (rows, start, end) => {
    windowM!.recordsOut++;
    const err = aggStore?.takeError();
    if (err !== undefined) {
      fail(stage.metrics[stage.metrics.length - 1]!, err);
      return;
    }
    runCollection(rows, start, end);
  };
  const window = win ? createWindow(win, aliasScope, eventTime, o, emitWindow, aggStore) : undefined;

  const onRow = (row: EvalRow): void => {
    if (analytic) {
      analyticM!.recordsIn++;
      try {
        analytic(row);
      } catch (e) {
        fail(analyticM!, `run analytic error: ${(e as Error).message}`);
        return;
      }
      analyticM!.recordsOut++;
    }
    if (!window) {
      runCollection([row], undefined, undefined);
      return;
    }
    if (filter && !pass(filterM!, filter, row)) return;
    if (preWhere && !pass(preWhereM!, preWhere, row)) return;
    windowM!.recordsIn++;
    window.add(row);
  };

  const pass = (m: NodeMetrics, cond: (r: EvalRow) => boolean, row: EvalRow): boolean => {
    m.recordsIn++;
    let ok: boolean;
    try {
      ok = cond(row);
    } catch (e) {
      fail(m, `run Where error: ${(e as Error).message}`);
      return false;
    }
    if (ok) m.recordsOut++;
    return ok;
  };

  if (eventTime) {
    watermark = new WatermarkOperator({
      streams: streamNames,
      lateTolerance: opts.lateTolerance,
      release: (row) => {
        wmM!.recordsOut++;
        onRow(row);
      },
      watermark: window ? (w) => window.onWatermark(w) : undefined,
      late: (row, w) => {
        wmM!.lateDropped++;
        const msg = `late event of ${row.emitter} at ${row.ts} dropped: older than the watermark ${w}`;
        wmM!.error(new Error(msg), clock.now());
        if (opts.sendError && opts.sendLateEvents === true) o.emit([{ error: msg }]);
      },
    });
  }

  const eventTs = (row: EvalRow): number | string => {
    const spec = tsFields.get(row.emitter);
    if (!spec?.field) return row.ts;
    const v = row.data[spec.field];
    if (v === undefined || v === null) return `error in preprocessor: cannot find timestamp field ${spec.field} in tuple ${formatValue(row.data)}`;
    try {
      return toTime(v, spec.format).getTime();
    } catch (e) {
      return `error in preprocessor: cannot convert timestamp field ${spec.field} to timestamp with error ${(e as Error).message}`;
    }
  };

  return {
    metrics,
    process(t: Tuple): void {
      const row: EvalRow = { data: t.data, meta: t.meta, ts: t.ts, emitter: t.emitter };
      if (lookupTables.has(t.emitter)) return; // a lookup table is queried, not streamed
      const table = tables.get(t.emitter);
      if (table) {
        table.add(row);
        return;
      }
      if (watermark) {
        wmM!.recordsIn++;
        const ts = eventTs(row);
        if (typeof ts === 'string') {
          fail(wmM!, ts);
          return;
        }
        row.ts = ts;
        watermark.add(row);
        return;
      }
      onRow(row);
    },
    latency(us: number): void {
      const m = metrics[metrics.length - 1]!;
      m.processLatencyUs = Math.round(us);
      m.lastInvocation = clock.now();
    },
    dropped(): void {
      (metrics[0] ?? stage.metrics[0])?.error(new Error('buffer full, record dropped'), clock.now());
    },
    start(): void {
      window?.start();
    },
    async idle(): Promise<void> {
      for (let seen: Promise<void> | undefined; seen !== chain;) {
        seen = chain;
        await seen;
      }
    },
    stop(): void {
      window?.stop();
    },
    snapshot(): WindowSnapshot {
      const t: Record<string, unknown> = {};
      for (const [k, b] of tables) t[k] = b.snapshot();
      return {
        v: 1,
        kind: 'window-stage',
        watermark: watermark?.snapshot(),
        window: window?.snapshot(),
        tables: t,
        hits: { count: hits.count, time: hits.time, aggCount: hits.aggCount, aggTime: hits.aggTime },
        functions: [...stores].map(([id, st]) => [id, [...st.map]]),
      };
    },
    restore(s: unknown): void {
      const o2 = s as Record<string, unknown>;
      if (!o2 || o2.v !== 1 || o2.kind !== 'window-stage') throw new Error('cannot restore the window stage: unknown state version');
      if (o2.watermark && watermark) watermark.restore(o2.watermark);
      if (o2.window && window) window.restore(o2.window);
      for (const [k, b] of tables) if ((o2.tables as Record<string, unknown>)?.[k]) b.restore((o2.tables as Record<string, unknown>)[k]);
      const h = o2.hits as { count: bigint; time: bigint; aggCount: bigint; aggTime: bigint } | undefined;
      if (h) Object.assign(hits, h);
      for (const [id, entries] of (o2.functions as [number, [string, unknown][]][] | undefined) ?? []) {
        const st = stores.get(id);
        if (!st) continue;
        st.map.clear();
        for (const [k, v] of entries) st.map.set(k, v);
      }
    },
  };
}

/**
 * Rows a scan table keeps (eKuiper's planner): RETAIN_SIZE; without it a file table keeps
 * its whole content (up to 9999 rows) and any other table its last row.
 */
function retainSize(option: string | undefined, type: string): number {
  const n = Number(option ?? 0);
  if (Number.isInteger(n) && n > 0) return n;
  return type === '' || type === 'file' ? 9999 : 1;
}

/** A condition for a window trigger: errors and nil count as false; a match updates last_hit_* when it uses them. */
function triggerCondition(e: Expr, scope: CompileScope): (row: EvalRow) => boolean {
  const cond = compileCondition(e, scope);
  let usesHits = false;
  forEachCall(e, (c) => { if (HIT_FUNCS.has(c.name)) usesHits = true; });
  const hits = scope.hits;
  return (row) => {
    let ok: boolean;
    try {
      ok = cond(row);
    } catch {
      return false;
    }
    if (ok && usesHits) hits?.onPass(row.ts);
    return ok;
  };
}

/** `planOptimizeStrategy.enableIncrementalWindow` of the rule (eKuiper's option; default on). */
function incrementalOption(o: ProcessorOptions): boolean {
  const s = o.rule.options.planOptimizeStrategy as { enableIncrementalWindow?: unknown } | undefined;
  return s?.enableIncrementalWindow !== false;
}

function createWindow(w: WindowSpec, scope: CompileScope, eventTime: boolean, o: ProcessorOptions, emit: WindowEmit, aggStore?: AggStore): WindowOperator {
  switch (w.type) {
    case 'count':
      return new CountWindow({ size: w.length ?? 1, hop: w.interval, clock: o.clock, emit });
    case 'state': {
      const parts = w.partitionBy.map((p) => compileExpr(p, scope));
      const partition = parts.length
        ? (row: EvalRow): string => {
          let k = 'parKey_';
          for (const p of parts) {
            try {
              k += `${formatValue(p(row))},`;
            } catch { /* eKuiper skips a partition value that fails */ }
          }
          return k;
        }
        : undefined;
      return w.emitCond
        ? new StateWindow({ begin: triggerCondition(w.beginCond!, scope), end: triggerCondition(w.emitCond, scope), partition, emit })
        : new StateWindow({ single: triggerCondition(w.beginCond!, scope), partition, emit });
    }
    case 'sliding':
      if (windowVersion(o) === 'v2') {
        return new SlidingWindowV2({
          length: w.length ?? 0,
          delay: w.delay ?? 0,
          eventTime,
          clock: o.clock,
          emit,
          trigger: w.trigger ? triggerCondition(w.trigger, scope) : undefined,
        });
      }
      return timeWindow(w, scope, eventTime, o, emit);
    default:
      return timeWindow(w, scope, eventTime, o, emit, aggStore);
  }
}

/** `planOptimizeStrategy.windowOption.windowVersion` of the rule ("v2" selects eKuiper's v2 sliding window). */
function windowVersion(o: ProcessorOptions): string | undefined {
  const s = o.rule.options.planOptimizeStrategy as { windowOption?: { windowVersion?: unknown } } | undefined;
  const v = s?.windowOption?.windowVersion;
  return typeof v === 'string' ? v : undefined;
}

function timeWindow(w: WindowSpec, scope: CompileScope, eventTime: boolean, o: ProcessorOptions, emit: WindowEmit, aggStore?: AggStore): WindowOperator {
  const unit = w.unit ?? 'SS';
  const length = w.length ?? 0;
  const interval = w.type === 'hopping' || w.type === 'session' ? (w.interval ?? 0) : 0;
  // the alignment period: tumbling and session on the length, hopping on the hop
  const raw = w.type === 'hopping' ? interval : w.type === 'sliding' ? 0 : length;
  const config = {
    type: w.type as 'tumbling' | 'hopping' | 'sliding' | 'session',
    unit,
    length,
    interval,
    delay: w.delay ?? 0,
    rawInterval: Math.round(raw / unitMs(unit)),
    eventTime,
    clock: o.clock,
    emit,
    trigger: w.trigger ? triggerCondition(w.trigger, scope) : undefined,
  };
  return aggStore ? new IncrementalTumblingWindow(config, aggStore) : new TimeWindow(config);
}
