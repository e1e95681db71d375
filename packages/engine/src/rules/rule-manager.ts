import type { Clock, Logger, TimerHandle } from '@oort/sdk';
import { oortError } from '../errors.js';
import type { KVStore } from '../store/kv.js';
import type { Catalog } from '../catalog/catalog.js';
import type { RuleListItem, RuleTopo } from '../api.js';
import { planRule, walk } from '../plan/planner.js';
import type { SelectStatement } from '../sql/ast.js';
import { explainPlan } from '../plan/explain.js';
import { RuleTopology, type TopologyEnv } from '../runtime/rule-topology.js';
import { backoffDelay } from '../runtime/nodes/backoff.js';
import { removeRuleCache } from '../runtime/cache/cache-dir.js';
import { parseRule, type RuleDef, type RuleOptions } from './rule-def.js';
import { STOP_MESSAGES, type RuleStatus } from './rule-state.js';
import { CHECKPOINT_NS } from './checkpoint/checkpoint-store.js';

const NS = 'rule';

/** One rule's runtime record: definition, state, and the topology while it runs. */
class RuleEntry {
  status: RuleStatus = 'stopped';
  message = '';
  lastStartTimestamp = 0;
  lastStopTimestamp = 0;
  nextStartTimestamp = 0;
  topology?: RuleTopology;
  lastMetrics: Record<string, unknown> = {};
  lastTopo?: RuleTopo;
  restarts = 0;
  restartTimer?: TimerHandle;
  plugins?: PluginUsage;
  /** Set while the rule waits for a deleted plugin to be installed again. */
  waitingFor?: string;
  /** Commands on one rule run one after another. */
  chain: Promise<void> = Promise.resolve();
  constructor(public def: RuleDef) {}
}

export interface PluginEvents {
  providerOf(kind: 'sources' | 'sinks' | 'functions', symbol: string): { type: string; name: string } | undefined;
  onChange(listener: (e: { type: string; name: string; action: 'installed' | 'updated' | 'deleted' }) => void): () => void;
}

export interface RuleManagerEnv extends TopologyEnv {
  kv: KVStore;
  catalog: Catalog;
  defaults: Partial<RuleOptions>;
  resolvePluginFunction(name: string): unknown;
  plugins?: PluginEvents;
}

/** Which plugins (`type/name`) a running rule uses, and through which sink types. */
interface PluginUsage {
  all: Set<string>;
  /** Plugins used only as sinks: they can be swapped without restarting the rule. */
  sinkTypes: Map<string, Set<string>>;
}

/**
 * Rule lifecycle: create, update (upsert), delete, start, stop, restart, with eKuiper's
 * states. The expected state (`triggered`) is persisted so rules that were running run
 * again after a server restart. A rule that fails is restarted with exponential backoff
 * when its `restartStrategy.attempts` allows.
 */
export class RuleManager {
  private readonly rules = new Map<string, RuleEntry>();
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(private readonly env: RuleManagerEnv) {
    this.logger = env.logger;
    this.clock = env.clock;
    env.plugins?.onChange((e) => this.onPluginChange(`${e.type}/${e.name}`, e.action));
  }

  /**
   * Hot swap. A new version of a sink plugin replaces the rule's sink at a safe point
   * (processing paused, old sink flushed); sources and functions restart the rule. After a
   * delete, rules using the plugin stop with a message and resume when it is installed again.
   */
  private onPluginChange(key: string, action: 'installed' | 'updated' | 'deleted'): void {
    for (const e of this.rules.values()) {
      if (action === 'installed' && (e.waitingFor === key || e.waitingFor === '*') && e.status === 'stopped by error' && e.def.triggered) {
        e.waitingFor = undefined;
        void this.enqueue(e, () => this.doStart(e));
        continue;
      }
      if (!e.plugins?.all.has(key)) continue;
      if (action === 'deleted') {
        void this.enqueue(e, async () => {
          await this.doStop(e, '');
          e.status = 'stopped by error';
          e.message = `plugin ${key} was deleted; the rule resumes when it is installed again`;
          e.waitingFor = key;
        });
      } else {
        const sinkTypes = e.plugins.sinkTypes.get(key);
        void this.enqueue(e, async () => {
          if (!e.topology) return;
          if (sinkTypes) {
            await e.topology.swapSinks(sinkTypes);
            this.logger.info(`rule ${e.def.id} moved to the new version of ${key}`);
          } else {
            await this.doStop(e, STOP_MESSAGES.update);
            await this.doStart(e);
          }
        });
      }
    }
  }

  private pluginUsage(topo: RuleTopology): PluginUsage {
    const p = this.env.plugins;
    const usage: PluginUsage = { all: new Set(), sinkTypes: new Map() };
    if (!p) return usage;
    const other = new Set<string>();
    const keyOf = (v?: { type: string; name: string }) => (v ? `${v.type}/${v.name}` : undefined);
    for (const s of topo.plan.streams) {
      const k = keyOf(p.providerOf('sources', s.type));
      if (k) other.add(k);
    }
    for (const name of functionNames(topo.plan.stmt)) {
      const k = keyOf(p.providerOf('functions', name));
      if (k) other.add(k);
    }
    for (const t of topo.sinkTypes()) {
      const k = keyOf(p.providerOf('sinks', t));
      if (!k) continue;
      usage.sinkTypes.set(k, (usage.sinkTypes.get(k) ?? new Set()).add(t));
    }
    for (const k of other) usage.sinkTypes.delete(k);
    for (const k of [...other, ...usage.sinkTypes.keys()]) usage.all.add(k);
    return usage;
  }

  /** Loads stored rules and starts those whose expected state is running. */
  async init(): Promise<void> {
    for (const [id, raw] of this.env.kv.entries(NS)) {
      let def: RuleDef;
      try {
        def = parseRule(JSON.parse(raw), this.env.defaults);
      } catch (e) {
        this.logger.error(`stored rule ${id} is invalid: ${(e as Error).message}`);
        continue;
      }
      const entry = new RuleEntry(def);
      this.rules.set(id, entry);
      if (def.triggered) this.enqueue(entry, () => this.doStart(entry));
    }
  }

  /** Parses and plans a rule without storing it. */
  validate(input: unknown): { def: RuleDef; sources: string[] } {
    const def = parseRule(input, this.env.defaults);
    const plan = planRule(def.sql, this.env.catalog, this.env.resolvePluginFunction);
    for (const s of plan.streams) this.env.sources.validate(s);
    new RuleTopology(this.env, def, plan);
    return { def, sources: plan.streams.map((s) => s.name) };
  }

  create(input: unknown): string {
    const { def } = this.validate(input);
    if (this.rules.has(def.id)) throw oortError('RULE', `rule ${def.id} already exists`);
    if (!this.env.kv.setIfAbsent(NS, def.id, JSON.stringify(def.raw))) throw oortError('RULE', `rule ${def.id} already exists`);
    const entry = new RuleEntry(def);
    this.rules.set(def.id, entry);
    if (def.triggered) this.enqueue(entry, () => this.doStart(entry));
    return def.id;
  }

  /** Creates or replaces a rule; the old one keeps running if the new one is invalid. */
  upsert(id: string, input: unknown): boolean {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      const body = input as Record<string, unknown>;
      if (body.id !== undefined && body.id !== id) throw oortError('RULE', `rule id ${String(body.id)} in the body does not match ${id}`);
      input = { ...body, id };
    }
    const old = this.rules.get(id);
    if (!old) {
      this.create(input);
      return true;
    }
    const { def } = this.validate(input);
    const ov = old.def.version, nv = def.version;
    if ((ov || nv) && !(nv && (!ov || nv > ov))) {
      throw oortError('RULE', `rule ${id} version ${nv} must be greater than the current version ${ov}`);
    }
    this.env.kv.set(NS, id, JSON.stringify(def.raw));
    this.enqueue(old, async () => {
      await this.doStop(old, STOP_MESSAGES.update);
      old.def = def;
      old.restarts = 0;
      if (def.triggered) await this.doStart(old);
    });
    return false;
  }

  /** Replaces a rule's tags without replanning or restarting it (eKuiper edits tags in place). */
  setTags(id: string, tags: string[]): void {
    const e = this.require(id);
    const raw = { ...e.def.raw, tags };
    e.def = { ...e.def, raw, tags };
    this.env.kv.set(NS, id, JSON.stringify(raw));
  }

  has(id: string): boolean {
    return this.rules.has(id);
  }

  get(id: string): Record<string, unknown> {
    return this.require(id).def.raw;
  }

  list(): RuleListItem[] {
    return [...this.rules.values()]
      .map((e) => ({ id: e.def.id, name: e.def.name, status: e.status, version: e.def.version, trace: false, tags: e.def.tags }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async delete(id: string): Promise<void> {
    const e = this.rules.get(id);
    if (!e) throw oortError('RULE', `rule ${id} not found`);
    await this.enqueue(e, () => this.doStop(e, STOP_MESSAGES.manual));
    this.rules.delete(id);
    this.env.kv.delete(NS, id);
    // a rule created again with this id must not resume the deleted one's state
    this.env.kv.delete(CHECKPOINT_NS, id);
    // nor send its cached results
    if (this.env.dataDir !== undefined) removeRuleCache(this.env.dataDir, id);
  }

  async start(id: string): Promise<void> {
    const e = this.require(id);
    this.setTriggered(e, true);
    e.restarts = 0;
    void this.enqueue(e, () => this.doStart(e));
  }

  async stop(id: string): Promise<void> {
    const e = this.require(id);
    this.setTriggered(e, false);
    await this.enqueue(e, () => this.doStop(e, STOP_MESSAGES.manual));
  }

  async restart(id: string): Promise<void> {
    const e = this.require(id);
    const stored = this.env.kv.get(NS, id);
    if (stored) e.def = parseRule(JSON.parse(stored), this.env.defaults);
    this.setTriggered(e, true);
    e.restarts = 0;
    await this.enqueue(e, () => this.doStop(e, STOP_MESSAGES.manual));
    void this.enqueue(e, () => this.doStart(e));
  }

  status(id: string): Record<string, unknown> {
    const e = this.require(id);
    const out: Record<string, unknown> = {
      status: e.status,
      message: e.message,
      lastStartTimestamp: e.lastStartTimestamp,
      lastStopTimestamp: e.lastStopTimestamp,
      nextStartTimestamp: e.nextStartTimestamp,
    };
    return Object.assign(out, e.topology ? e.topology.metrics() : e.lastMetrics);
  }

  allStatus(): Record<string, { status: string; last_exception: string; exceptions_total: number }> {
    const out: Record<string, { status: string; last_exception: string; exceptions_total: number }> = {};
    for (const [id, e] of this.rules) {
      const ex = e.topology?.lastException() ?? { total: 0, last: '' };
      out[id] = { status: e.status, last_exception: ex.last, exceptions_total: ex.total };
    }
    return out;
  }

  topo(id: string): RuleTopo {
    const e = this.require(id);
    const t = e.topology?.topo() ?? e.lastTopo;
    if (!t) throw oortError('RULE', `rule ${id} has never been started`);
    return t;
  }

  explain(id: string): string {
    const e = this.require(id);
    return explainPlan(planRule(e.def.sql, this.env.catalog, this.env.resolvePluginFunction));
  }

  /** Rules whose SQL reads the given stream or table and that are planned or running. */
  usersOf(stream: string): string[] {
    const users: string[] = [];
    for (const e of this.rules.values()) {
      if (e.topology?.plan.streams.some((s) => s.name === stream)) users.push(e.def.id);
    }
    return users;
  }

  exportRules(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, e] of this.rules) out[id] = JSON.stringify(e.def.raw);
    return out;
  }

  /** Stops every rule (their expected state stays stored) for a server shutdown. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.rules.values()].map((e) => this.enqueue(e, () => this.doStop(e, 'server shutdown'))));
  }

  private require(id: string): RuleEntry {
    const e = this.rules.get(id);
    if (!e) throw oortError('NOT_FOUND', `rule ${id} is not found`);
    return e;
  }

  private setTriggered(e: RuleEntry, triggered: boolean): void {
    if (e.def.triggered === triggered && e.def.raw.triggered === triggered) return;
    const raw = { ...e.def.raw, triggered };
    e.def = { ...e.def, raw, triggered };
    this.env.kv.set(NS, e.def.id, JSON.stringify(raw));
  }

  private enqueue(e: RuleEntry, fn: () => Promise<void>): Promise<void> {
    const next = e.chain.then(fn, fn);
    e.chain = next.catch((err) => this.logger.error(`rule ${e.def.id}: ${(err as Error).message}`));
    return next;
  }

  private async doStart(e: RuleEntry): Promise<void> {
    if (e.status === 'running' || !this.rules.has(e.def.id)) return;
    e.restartTimer?.cancel();
    e.restartTimer = undefined;
    e.nextStartTimestamp = 0;
    e.status = 'starting';
    e.message = '';
    e.lastStartTimestamp = this.clock.now();
    let topo: RuleTopology;
    try {
      const plan = planRule(e.def.sql, this.env.catalog, this.env.resolvePluginFunction);
      topo = new RuleTopology(this.env, e.def, plan);
    } catch (err) {
      this.fail(e, err);
      return;
    }
    e.topology = topo;
    topo.onEof = (msg) => {
      this.setTriggered(e, false);
      void this.enqueue(e, () => this.doStop(e, msg ? `done: ${msg}` : 'done'));
    };
    try {
      await topo.open();
    } catch (err) {
      e.lastMetrics = topo.metrics();
      e.lastTopo = topo.topo();
      e.topology = undefined;
      await topo.close().catch(() => undefined);
      this.fail(e, err);
      return;
    }
    e.status = 'running';
    e.restarts = 0;
    e.waitingFor = undefined;
    e.plugins = this.pluginUsage(topo);
    this.logger.info(`rule ${e.def.id} is running`);
  }

  private async doStop(e: RuleEntry, message: string): Promise<void> {
    e.restartTimer?.cancel();
    e.restartTimer = undefined;
    e.nextStartTimestamp = 0;
    const topo = e.topology;
    if (!topo) {
      if (e.status !== 'stopped by error' || message !== 'server shutdown') {
        if (e.status !== 'stopped') e.lastStopTimestamp = this.clock.now();
        e.status = 'stopped';
        e.message = message;
      }
      return;
    }
    e.status = 'stopping';
    await topo.close();
    e.lastMetrics = topo.metrics();
    e.lastTopo = topo.topo();
    e.topology = undefined;
    e.status = 'stopped';
    e.message = message;
    e.lastStopTimestamp = this.clock.now();
  }

  private fail(e: RuleEntry, err: unknown): void {
    e.status = 'stopped by error';
    e.message = (err as Error).message ?? String(err);
    e.lastStopTimestamp = this.clock.now();
    if (e.message.includes('install a plugin providing it')) e.waitingFor = '*';
    this.logger.error(`rule ${e.def.id} failed: ${e.message}`);
    const rs = e.def.options.restartStrategy;
    if (e.def.triggered && rs.attempts > 0 && e.restarts < rs.attempts) {
      const delay = backoffDelay(e.restarts++, rs);
      e.nextStartTimestamp = this.clock.now() + delay;
      e.restartTimer = this.clock.setTimeout(() => {
        if (this.rules.get(e.def.id) === e && e.status === 'stopped by error') void this.enqueue(e, () => this.doStart(e));
      }, delay);
    }
  }
}

function functionNames(stmt: SelectStatement): Set<string> {
  const names = new Set<string>();
  const visit = (e: Parameters<typeof walk>[0] | undefined) => e && walk(e, (n) => { if (n.kind === 'Call') names.add(n.name); });
  for (const f of stmt.fields) visit(f.expr);
  visit(stmt.where);
  visit(stmt.having);
  for (const o of stmt.orderBy) visit(o.expr);
  return names;
}
