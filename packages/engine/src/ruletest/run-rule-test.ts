import type { ConnectorDef, Row, Sink } from '@oort/sdk';
import { oortError } from '../errors.js';
import { Catalog } from '../catalog/catalog.js';
import { ConfKeys } from '../catalog/conf-keys.js';
import { MemoryKV } from '../store/memory-kv.js';
import { ManualClock } from '../runtime/clock.js';
import { RuleTopology } from '../runtime/rule-topology.js';
import { planRule } from '../plan/planner.js';
import { parseRule } from '../rules/rule-def.js';
import { MockSource } from './mock-source.js';
import { CaptureSink } from './capture-sink.js';
import { mockSourcePool, type RuleTestEnv } from './test-env.js';

export type { RuleTestEnv } from './test-env.js';

/** `POST /ruletest/run` body. */
export interface RuleTestSpec {
  /** Rule id seen by `rule_id()`; default `ruletest`. */
  id?: string;
  sql: string;
  streams?: Record<string, string>;
  options?: Record<string, unknown>;
  clock?: { start?: number };
  events: { t: number; stream: string; data: Row | Row[]; meta?: Record<string, unknown> }[];
  until?: number;
  /** Sink properties applied to the capture sink (fields, dataTemplate, ...). */
  sinkProps?: Record<string, unknown>;
}

export interface RuleTestResult {
  emissions: Row[][];
  metrics: Record<string, unknown>;
}

/**
 * Runs a rule over recorded events in simulated time. The clock starts at `clock.start`
 * (default: the first event's time); before each event it advances to the event time,
 * firing every timer due strictly before it, then the event is ingested and fully processed.
 * After the last event the clock moves to `until` (firing timers due up to it) if given.
 */
export async function runRuleTest(spec: RuleTestSpec, env: RuleTestEnv): Promise<RuleTestResult> {
  if (typeof spec !== 'object' || spec === null) throw oortError('BAD_REQUEST', 'the body must be a JSON object');
  if (typeof spec.sql !== 'string') throw oortError('BAD_REQUEST', 'sql is required');
  if (!Array.isArray(spec.events)) throw oortError('BAD_REQUEST', 'events must be an array');
  const catalog = new Catalog(new MemoryKV());
  const overridden = new Set<string>();
  for (const [name, sql] of Object.entries(spec.streams ?? {})) {
    const def = catalog.create(sql);
    if (def.name !== name) throw oortError('BAD_REQUEST', `stream ${name} is defined as ${def.name}`);
    overridden.add(name);
  }
  for (const kind of ['stream', 'table'] as const) {
    for (const d of env.catalog.list(kind)) if (!overridden.has(d.name)) catalog.create(d.statement);
  }
  const start = spec.clock?.start ?? spec.events[0]?.t ?? 0;
  const clock = new ManualClock(start);
  const mocks = new Map<string, MockSource>();
  const emissions: Row[][] = [];
  const captureDef: ConnectorDef<Sink> = { create: () => new CaptureSink(emissions) };
  const sources = mockSourcePool(clock, env.logger);
  const rule = parseRule({ id: spec.id ?? 'ruletest', sql: spec.sql, actions: [{ capture: { ...(spec.sinkProps ?? {}) } }], options: spec.options }, env.defaults);
  const plan = planRule(rule.sql, catalog, env.resolvePluginFunction);
  const topology = new RuleTopology(
    {
      clock,
      logger: env.logger,
      sources,
      confKeys: new ConfKeys(new MemoryKV()),
      resolveSink: () => captureDef,
      resolveFunction: env.resolveFunction,
      sinkTransform: env.sinkTransform,
      ignoreCase: env.ignoreCase,
      typeDefaults: {},
    },
    rule,
    plan,
  );
  await topology.open();
  for (const name of plan.streams.map((s) => s.name)) {
    const node = topology.sourceNode(name);
    if (node) mocks.set(name, node.connector as MockSource);
  }
  try {
    for (const ev of spec.events) {
      const mock = mocks.get(ev.stream);
      if (!mock?.io) throw oortError('BAD_REQUEST', `event for stream ${ev.stream}, which the rule does not read`);
      clock.advanceTo(ev.t, true);
      topology.processPending();
      mock.io.tuple(ev.data, ev.meta ?? {}, ev.t);
      topology.processPending();
    }
    if (spec.until !== undefined) {
      clock.advanceTo(spec.until);
      topology.processPending();
    }
    await topology.idle();
    return { emissions, metrics: topology.metrics() };
  } finally {
    await topology.close();
  }
}
