import type { ConnectorDef, Row, Sink, TimerHandle } from '@oort/sdk';
import { toJSON } from '@oort/sdk';
import { oortError } from '../errors.js';
import { checkId } from '../catalog/catalog.js';
import { ConfKeys } from '../catalog/conf-keys.js';
import { MemoryKV } from '../store/memory-kv.js';
import { RuleTopology } from '../runtime/rule-topology.js';
import { planRule } from '../plan/planner.js';
import { parseRule } from '../rules/rule-def.js';
import type { MockSource } from './mock-source.js';
import { mockSourcePool, type TrialEnv } from './test-env.js';

/** `POST /ruletest` body (eKuiper's trial run). */
export interface TrialSpec {
  id: string;
  sql: string;
  mockSource?: Record<string, { data: Row[]; interval?: number; loop?: boolean }>;
  sinkProps?: Record<string, unknown>;
}

type Listener = (json: string) => void;

interface Trial {
  spec: TrialSpec;
  topology?: RuleTopology;
  timers: TimerHandle[];
  listeners: Set<Listener>;
  expiry: TimerHandle;
}

/** eKuiper trial runs expire after five minutes. */
const TRIAL_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Trial runs of a rule (eKuiper's `/ruletest`): never stored, fed from the mock data given
 * in the request (every `interval` ms, looping if asked), with results streamed to
 * server-sent-event listeners. Errors always reach the listeners (`sendError` is forced).
 */
export class TrialManager {
  private readonly trials = new Map<string, Trial>();
  constructor(private readonly env: TrialEnv) {}

  create(input: unknown): { id: string } {
    if (typeof input !== 'object' || input === null) throw oortError('BAD_REQUEST', 'the body must be a JSON object');
    const spec = input as TrialSpec;
    checkId(spec.id);
    if (this.trials.has(spec.id)) throw oortError('RULE', `test rule ${spec.id} already exists`);
    const plan = planRule(String(spec.sql ?? ''), this.env.catalog, this.env.resolvePluginFunction);
    for (const s of plan.streams) {
      const mock = spec.mockSource?.[s.name];
      if (mock && !Array.isArray(mock.data)) throw oortError('BAD_REQUEST', `mockSource.${s.name}.data must be an array`);
    }
    const expiry = this.env.clock.setTimeout(() => void this.delete(spec.id).catch(() => undefined), TRIAL_LIFETIME_MS);
    this.trials.set(spec.id, { spec, timers: [], listeners: new Set(), expiry });
    return { id: spec.id };
  }

  async start(id: string): Promise<void> {
    const t = this.require(id);
    if (t.topology) return;
    const emit: ConnectorDef<Sink> = {
      create: () => ({
        kind: 'tuple',
        provision() {},
        connect() {},
        async collect(_ctx, item) {
          const json = toJSON(item.rows ?? []);
          for (const l of t.listeners) l(json);
        },
        close() {},
      }),
    };
    const sources = mockSourcePool(this.env.clock, this.env.logger);
    const rule = parseRule(
      { id: `test_${id}`, sql: t.spec.sql, actions: [{ trial: { ...(t.spec.sinkProps ?? {}) } }], options: { sendError: true } },
      this.env.defaults,
    );
    const plan = planRule(rule.sql, this.env.catalog, this.env.resolvePluginFunction);
    const topology = new RuleTopology(
      { ...this.env, sources, confKeys: new ConfKeys(new MemoryKV()), resolveSink: () => emit, typeDefaults: {} },
      rule,
      plan,
    );
    t.topology = topology;
    await topology.open();
    for (const s of plan.streams) {
      const mock = t.spec.mockSource?.[s.name];
      const io = (topology.sourceNode(s.name)?.connector as MockSource | undefined)?.io;
      if (!mock || !io || !mock.data.length) continue;
      let i = 0;
      const timer = this.env.clock.setInterval(() => {
        if (i >= mock.data.length) {
          if (!mock.loop) return timer.cancel();
          i = 0;
        }
        io.tuple(mock.data[i++]!, {}, this.env.clock.now());
      }, Math.max(1, Number(mock.interval ?? 1000)));
      t.timers.push(timer);
    }
  }

  /** Registers a listener of the trial's results; returns the function that removes it. */
  listen(id: string, listener: Listener): () => void {
    const t = this.require(id);
    t.listeners.add(listener);
    return () => t.listeners.delete(listener);
  }

  has(id: string): boolean {
    return this.trials.has(id);
  }

  async delete(id: string): Promise<void> {
    const t = this.require(id);
    this.trials.delete(id);
    t.expiry.cancel();
    for (const timer of t.timers) timer.cancel();
    await t.topology?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.trials.keys()].map((id) => this.delete(id)));
  }

  private require(id: string): Trial {
    const t = this.trials.get(id);
    if (!t) throw oortError('NOT_FOUND', `test rule ${id} is not found`);
    return t;
  }
}
