import type { Clock, ConnectorDef, Logger, Row, Sink, SinkItem, Source, StreamContext } from '@oort/sdk';
import { parseDuration, validateConfig } from '@oort/sdk';
import { oortError } from '../errors.js';
import type { RuleDef } from '../rules/rule-def.js';
import type { RulePlan } from '../plan/rule-plan.js';
import type { RuleTopo } from '../api.js';
import type { ConfKeys } from '../catalog/conf-keys.js';
import type { SourcePool } from './source-pool.js';
import type { SourceNode, SourceSubscriber } from './nodes/source-node.js';
import { NodeMetrics } from './nodes/metrics.js';
import { RingQueue } from './nodes/ring-queue.js';
import { SinkNode } from './nodes/sink-node.js';
import type { SinkCacheDefaults } from './cache/cache-options.js';
import { createStreamContext } from './context.js';
import { compileSchema } from '../formats/index.js';
import { walk } from '../plan/planner.js';
import type { StreamDef } from '../catalog/stream-def.js';
import type { Expr, SelectStatement } from '../sql/ast.js';
import type { Tuple } from './tuple.js';
import { buildProcessor, type Processor } from './processor.js';
import type { ResolvedFunction } from './expr/scope.js';
import type { KVStore } from '../store/kv.js';
import type { AckToken } from '../rules/checkpoint/ack-token.js';
import { RuleCheckpointer } from '../rules/checkpoint/rule-checkpointer.js';

export interface TopologyEnv {
  clock: Clock;
  logger: Logger;
  sources: SourcePool;
  confKeys: ConfKeys;
  resolveSink(type: string): ConnectorDef<Sink> | undefined;
  resolveFunction(name: string): ResolvedFunction | undefined;
  sinkTransform(props: Record<string, unknown>, kind: 'bytes' | 'tuple'): (rows: Row[]) => SinkItem[];
  ignoreCase: boolean;
  /** Defaults per connector type from the server configuration (e.g. the MQTT broker address). */
  typeDefaults: Record<string, Record<string, unknown>>;
  /** Where rules at QoS 1/2 keep their checkpoints (none: QoS is not applied). */
  kv?: KVStore;
  /** The server's data folder: sink caches live under `<dataDir>/cache/<ruleId>/<sink>/`. */
  dataDir?: string;
  /** Defaults of the sink cache properties (configuration `sink.*`). */
  sinkCacheDefaults?: SinkCacheDefaults;
}

const DRAIN_BATCH = 1024;
const DEFAULT_LINGER_MS = 1000;

/**
 * A running rule: its shared sources, its operators (see processor.ts) and its sinks,
 * joined by a bounded input queue. Backpressure: a full sink queue stops the draining of
 * the input queue, a full input queue tells the source to pause.
 */
export class RuleTopology {
  private readonly queue = new RingQueue<Tuple>(256);
  private readonly subs: SourceSubscriber[] = [];
  private readonly sourceNodes: SourceNode[] = [];
  private readonly sinks: SinkNode[] = [];
  private readonly processor: Processor;
  private readonly sourceMetrics: NodeMetrics[] = [];
  private readonly decoderMetrics: NodeMetrics[] = [];
  private scheduled = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly capacity: number;
  private readonly hardCapacity: number;
  /** QoS 1/2: acknowledgements and checkpoints (rules/checkpoint/). */
  private readonly checkpointer?: RuleCheckpointer;
  /** A checkpoint holds the input queue (safe point). */
  private checkpointHold = false;
  /** Set by the rule manager: a bounded source reached its end. */
  onEof?: (message: string) => void;

  constructor(
    private readonly env: TopologyEnv,
    readonly rule: RuleDef,
    readonly plan: RulePlan,
  ) {
    this.capacity = rule.options.bufferLength;
    this.hardCapacity = rule.options.disableBufferFullDiscard ? Number.MAX_SAFE_INTEGER : this.capacity * 4;
    let op = 1;
    for (const s of plan.streams) {
      this.sourceMetrics.push(new NodeMetrics(`source_${s.name}`, true));
      this.decoderMetrics.push(new NodeMetrics(`op_${op++}_decoder`));
    }
    this.processor = buildProcessor({
      plan,
      rule,
      clock: env.clock,
      firstOpIndex: op,
      resolveFunction: env.resolveFunction,
      ignoreCase: env.ignoreCase,
      emit: (rows) => this.emit(rows),
      lookup: (table, fields, keys, values) => {
        const l = this.lookups.get(table);
        if (!l) return Promise.reject(new Error(`lookup table ${table} is not open`));
        return l.source.lookup!(l.ctx, fields, keys, values);
      },
    });
    if ((rule.options.qos >= 1 || rule.options.enableSaveStateBeforeStop === true) && env.kv) {
      this.checkpointer = new RuleCheckpointer({
        ruleId: rule.id,
        sql: rule.sql,
        qos: rule.options.qos,
        intervalMs: rule.options.checkpointInterval,
        kv: env.kv,
        clock: env.clock,
        logger: env.logger,
        processor: this.processor,
        hooks: {
          hold: () => (this.checkpointHold = true),
          resume: () => {
            this.checkpointHold = false;
            this.schedule();
          },
          sinksIdle: () => this.sinks.every((s) => s.pending === 0),
        },
      });
    }
    rule.actions.forEach((_a, i) => {
      const { node, props } = this.createSinkNode(i);
      this.sinks.push(node);
      this.sinkProps.push(props);
    });
  }

  private readonly sinkProps: Record<string, unknown>[] = [];
  private paused = false;

  /** Builds the sink node of action `i` from the sink type's current implementation. */
  private createSinkNode(i: number): { node: SinkNode; props: Record<string, unknown> } {
    const { env, rule } = this;
    const a = rule.actions[i]!;
    const conn = env.resolveSink(a.type);
    if (!conn) throw oortError('PLAN', `sink type ${a.type} is not found (install a plugin providing it)`);
    let props = { ...env.typeDefaults[a.type], ...env.confKeys.sinkProps(a.type, a.props) };
    if (conn.schema) {
      const v = validateConfig(conn.schema, props);
      if (v.issues.length) throw oortError('PLAN', `action ${a.type}: ${v.issues.map((x) => x.message).join('; ')}`);
      props = v.props;
    }
    const sink = conn.create();
    const name = `${a.type}_${i}`;
    const ctx = createStreamContext({ ruleId: rule.id, opId: `sink_${name}`, logger: env.logger, clock: env.clock, signal: this.abort.signal });
    let transform: (rows: Row[]) => SinkItem[];
    try {
      transform = env.sinkTransform(props, sink.kind);
    } catch (e) {
      throw oortError('PLAN', `action ${a.type}: ${(e as Error).message}`, e);
    }
    const batchSize = Number(props.batchSize ?? 0) || 0;
    const lingerInterval = parseDuration(props.lingerInterval ?? 0) ?? 0;
    const node = new SinkNode({
      name,
      sink,
      ctx,
      transform,
      bufferLength: Number(props.bufferLength ?? rule.options.bufferLength) || rule.options.bufferLength,
      batchSize,
      // a partial batch is sent after a second rather than held until the next row arrives
      lingerInterval: lingerInterval || (batchSize > 0 ? DEFAULT_LINGER_MS : 0),
      onDrain: () => this.schedule(),
      type: a.type,
      ...(env.dataDir === undefined ? {} : { dataDir: env.dataDir }),
      ...(env.sinkCacheDefaults === undefined ? {} : { cacheDefaults: env.sinkCacheDefaults }),
    });
    return { node, props };
  }

  /**
   * Moves the actions of the given sink types to the implementation registered now (a new
   * plugin version) at a safe point: processing pauses (records queue up, the source is
   * paused when the queue fills), the old sinks flush and close, the new ones open.
   */
  async swapSinks(types: ReadonlySet<string>): Promise<void> {
    this.paused = true;
    try {
      for (let i = 0; i < this.sinks.length; i++) {
        if (!types.has(this.rule.actions[i]!.type)) continue;
        await this.sinks[i]!.close();
        const { node, props } = this.createSinkNode(i);
        await node.open(props);
        this.sinks[i] = node;
        this.sinkProps[i] = props;
      }
    } finally {
      this.paused = false;
      this.schedule();
    }
  }

  /** Sink types of this rule's actions. */
  sinkTypes(): string[] {
    return this.rule.actions.map((a) => a.type);
  }


  private readonly lookups = new Map<string, { source: Source; ctx: StreamContext }>();

  /** Opens sinks and lookup tables, then subscribes to the shared sources. */
  async open(): Promise<void> {
    this.checkpointer?.restore();
    await Promise.all(this.sinks.map((s, i) => s.open(this.sinkProps[i]!)));
    for (let i = 0; i < this.plan.streams.length; i++) {
      const def = this.plan.streams[i]!;
      if (def.kind === 'table' && (def.options.KIND ?? '').toLowerCase() === 'lookup') {
        this.lookups.set(def.name, await this.env.sources.openLookup(def, this.rule.id));
        continue;
      }
      const node = await this.env.sources.acquire(def);
      if (this.closed) {
        await this.env.sources.release(node);
        return;
      }
      this.sourceNodes.push(node);
      const validate = strictValidator(def, this.plan.stmt);
      const decoderMetrics = this.decoderMetrics[i]!;
      const sub: SourceSubscriber = {
        ruleId: this.rule.id,
        sourceMetrics: this.sourceMetrics[i]!,
        decoderMetrics,
        qos: this.rule.options.qos,
        push: validate
          ? (t, ack) => {
              let data: Row;
              try {
                data = validate(t.data);
              } catch (e) {
                const err = new Error(`error in preprocessor: ${(e as Error).message}`);
                decoderMetrics.error(err, this.env.clock.now());
                sub.error(err);
                return true;
              }
              return this.push({ ...t, data }, ack);
            }
          : (t, ack) => this.push(t, ack),
        eof: (msg) => this.onEof?.(msg),
        error: (err) => {
          if (this.rule.options.sendError && !this.closed) this.emit([{ error: err.message }]);
        },
      };
      this.subs.push(sub);
      node.subscribe(sub);
    }
    this.processor.start();
    this.checkpointer?.start();
  }

  private push(t: Tuple, ack?: AckToken): boolean {
    if (this.closed) return true;
    if (this.queue.length >= this.hardCapacity) {
      this.processor.dropped(t);
      this.checkpointer?.dropped(ack);
      return false;
    }
    if (this.checkpointer && !this.checkpointer.admit(ack)) return this.queue.length < this.capacity;
    this.queue.push(t);
    this.schedule();
    return this.queue.length < this.capacity;
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.closed || this.paused || this.checkpointHold) return;
    const wasFull = this.queue.length >= this.capacity;
    let n = 0;
    const start = performance.now();
    while (this.queue.length && n < DRAIN_BATCH) {
      if (this.sinkFull()) break;
      this.processor.process(this.queue.shift()!);
      n++;
    }
    if (n) this.processor.latency(((performance.now() - start) * 1000) / n);
    if (this.checkpointer) {
      this.checkpointer.onProcessed(n);
      this.checkpointer.afterDrain();
    }
    if (wasFull && this.queue.length < this.capacity) for (const s of this.sourceNodes) s.drained();
    if (this.queue.length && !this.sinkFull()) this.schedule();
  }

  private sinkFull(): boolean {
    for (const s of this.sinks) if (s.full) return true;
    return false;
  }

  private emit(rows: Row[]): void {
    for (const s of this.sinks) s.push(rows);
  }

  /** The shared source node of a stream this rule reads (rule tests feed it directly). */
  sourceNode(stream: string): SourceNode | undefined {
    return this.sourceNodes.find((n) => n.stream === stream);
  }

  /** Processes everything queued now, synchronously (simulated-time runs). */
  processPending(): void {
    const n = this.queue.length;
    while (this.queue.length) this.processor.process(this.queue.shift()!);
    this.checkpointer?.onProcessed(n);
  }

  /** Resolves when every sink has sent what it was given. */
  async idle(): Promise<void> {
    await this.processor.idle?.();
    while (this.sinks.some((s) => s.pending > 0)) await new Promise((r) => setImmediate(r));
  }

  /** Stops reading, processes what is queued, flushes the sinks and closes them. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (let i = 0; i < this.subs.length; i++) this.sourceNodes[i]?.unsubscribe(this.subs[i]!);
    let n = 0;
    for (; this.queue.length && !this.sinkFull(); n++) this.processor.process(this.queue.shift()!);
    if (this.checkpointer) {
      // the final checkpoint (enableSaveStateBeforeStop), before the sinks close
      this.checkpointer.onProcessed(n);
      await this.checkpointer.close();
    }
    this.closed = true;
    this.processor.stop();
    this.abort.abort();
    await Promise.all(this.sinks.map((s) => s.close()));
    await Promise.all(this.sourceNodes.map((n) => this.env.sources.release(n)));
    await Promise.all([...this.lookups.values()].map(({ source, ctx }) => Promise.resolve(source.close(ctx)).catch(() => undefined)));
  }

  metrics(out: Record<string, unknown> = {}): Record<string, unknown> {
    for (const m of this.sourceMetrics) m.writeTo(out);
    for (const m of this.decoderMetrics) m.writeTo(out);
    for (const m of this.processor.metrics) m.writeTo(out);
    for (const s of this.sinks) {
      s.transformMetrics.writeTo(out);
      s.metrics.writeTo(out);
    }
    return out;
  }

  topo(): RuleTopo {
    const edges: Record<string, string[]> = {};
    const sources = this.sourceMetrics.map((m) => m.id);
    const ops = this.processor.metrics.map((m) => m.id);
    const first = ops[0];
    this.sourceMetrics.forEach((m, i) => {
      const dec = this.decoderMetrics[i]!.id;
      edges[m.id] = [dec];
      edges[dec] = first ? [first] : this.sinks.map((s) => s.transformMetrics.id);
    });
    for (let i = 0; i < ops.length - 1; i++) edges[ops[i]!] = [ops[i + 1]!];
    if (ops.length) edges[ops[ops.length - 1]!] = this.sinks.map((s) => s.transformMetrics.id);
    for (const s of this.sinks) edges[s.transformMetrics.id] = [s.metrics.id];
    return { sources, edges };
  }

  /** The newest exception of any node, for `/rules/status/all`. */
  lastException(): { total: number; last: string } {
    let total = 0, time = -1, last = '';
    const all = [...this.sourceMetrics, ...this.decoderMetrics, ...this.processor.metrics, ...this.sinks.flatMap((s) => [s.transformMetrics, s.metrics])];
    for (const m of all) {
      total += m.exceptions;
      if (m.exceptions && m.lastExceptionTime > time) {
        time = m.lastExceptionTime;
        last = m.lastException;
      }
    }
    return { total, last };
  }
}

/**
 * STRICT_VALIDATION: rows are checked and converted against the declared schema, limited
 * (as eKuiper's planner does) to the fields the rule uses; a wildcard uses them all.
 */
function strictValidator(def: StreamDef, stmt: SelectStatement): ((row: Row) => Row) | undefined {
  if (!def.fields || (def.options.STRICT_VALIDATION ?? '').toLowerCase() !== 'true') return undefined;
  const used = new Set<string>();
  let all = false;
  const visit = (e: Expr | undefined) =>
    e &&
    walk(e, (n) => {
      if (n.kind === 'Wildcard' && (!n.stream || n.stream === def.name)) all = true;
      else if (n.kind === 'FieldRef' && (!n.stream || n.stream === def.name)) used.add(n.name);
    });
  for (const f of stmt.fields) visit(f.expr);
  [stmt.where, stmt.having, stmt.window?.filter, stmt.window?.trigger, stmt.window?.beginCond, stmt.window?.emitCond].forEach(visit);
  for (const x of [...stmt.dimensions, ...stmt.orderBy.map((o) => o.expr), ...stmt.joins.flatMap((j) => (j.on ? [j.on] : []))]) visit(x);
  const fields = all ? [...def.fields] : def.fields.filter((f) => used.has(f.name));
  if (def.options.TIMESTAMP && !fields.some((f) => f.name === def.options.TIMESTAMP)) {
    const ts = def.fields.find((f) => f.name === def.options.TIMESTAMP);
    if (ts) fields.push(ts);
  }
  return compileSchema(fields);
}
