import type { Clock, ConnectorDef, Logger, Sink, Source } from '@oort/sdk';
import { readFileSync } from 'node:fs';
import { oortError } from './errors.js';
import type {
  ConfKind, ConnectorInfo, EngineApi, PluginApi, RuleListItem, RuleTopo, Ruleset, StreamDescription, StreamKind,
} from './api.js';
import type { OortConfig } from './config/index.js';
import { loadSourceConfs } from './config/index.js';
import { parseDuration } from './config/index.js';
import { openKVStore, type KVStore } from './store/index.js';
import { Catalog } from './catalog/catalog.js';
import { describeStream, streamSchema } from './catalog/stream-def.js';
import { maskDeep, restoreMasked } from './catalog/secrets.js';
import { ConfKeys } from './catalog/conf-keys.js';
import { SourcePool } from './runtime/source-pool.js';
import { SystemClock } from './runtime/clock.js';
import { ConsoleLogger } from './runtime/logger.js';
import { RuleManager } from './rules/rule-manager.js';
import type { RuleOptions } from './rules/rule-def.js';
import { builtinSinks, builtinSources } from './connectors/index.js';
import { compileSinkTransform } from './template/sink-transform.js';
import { getBuiltin } from './functions/registry.js';
import './functions/index.js';
import { PluginManager } from './plugins/plugin-manager.js';
import { runRuleTest, type RuleTestSpec } from './ruletest/run-rule-test.js';
import { TrialManager } from './ruletest/trial-manager.js';
import { storedPlugins } from './admin/stored-config.js';
import { ruleSinkSchema } from './admin/rule-sink-schema.js';

export interface EngineOptions {
  dataDir: string;
  config: OortConfig;
  etcDir?: string;
  clock?: Clock;
  logger?: Logger;
  /** Use this store instead of opening the configured one (tests). */
  kv?: KVStore;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The engine: catalog, conf keys, rules and plugins over one metadata store. */
export class Engine implements EngineApi {
  readonly version = VERSION;
  readonly startedAt: number;
  readonly plugins: PluginApi;
  private readonly kv: KVStore;
  private readonly catalog: Catalog;
  private readonly confKeys: ConfKeys;
  private readonly sources: SourcePool;
  private readonly rules: RuleManager;
  private readonly pluginManager: PluginManager;
  private readonly defaults: Partial<RuleOptions>;
  readonly trials: TrialManager;
  readonly clock: Clock;
  readonly logger: Logger;

  private constructor(readonly options: EngineOptions) {
    const { config } = options;
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? new ConsoleLogger(config.basic.logLevel);
    this.startedAt = this.clock.now();
    this.kv = options.kv ?? openKVStore(options.dataDir, config.store);
    this.catalog = new Catalog(this.kv);
    this.confKeys = new ConfKeys(this.kv, options.etcDir ? loadSourceConfs(options.etcDir) : {}, (type) => this.pluginManager.sourceConfs(type));
    this.pluginManager = new PluginManager({
      dataDir: options.dataDir,
      kv: this.kv,
      logger: this.logger,
      config: {
        allowInstallScripts: config.plugins.allowInstallScripts,
        allowExternalFileAccess: config.basic.allowExternalFileAccess,
        enablePrivateNet: config.basic.enablePrivateNet,
        restListensOnLoopbackOnly: isLoopback(config.basic.restIp),
        maxDownloadBytes: config.plugins.maxDownloadBytes,
        downloadTimeoutMs: parseDuration(config.plugins.downloadTimeout),
        pythonBin: config.portable.pythonBin,
        initTimeoutMs: parseDuration(config.portable.initTimeout),
        callTimeoutMs: parseDuration(config.portable.sendTimeout),
      },
    });
    this.plugins = this.pluginManager;
    const resolveSource = (type: string): ConnectorDef<Source> | undefined =>
      builtinSources[type] ?? this.pluginManager.resolveSource(type);
    const resolveSink = (type: string): ConnectorDef<Sink> | undefined =>
      builtinSinks[type] ?? this.pluginManager.resolveSink(type);
    const typeDefaults = { mqtt: { server: config.mqtt.server } };
    this.sources = new SourcePool({
      clock: this.clock,
      logger: this.logger,
      confKeys: this.confKeys,
      resolveSource,
      globalProps: { httpServerIp: config.source.httpServerIp, httpServerPort: config.source.httpServerPort },
      typeDefaults,
      sessionScope: options.dataDir,
    });
    const r = config.rule;
    const defaults: Partial<RuleOptions> = {
      qos: r.qos,
      checkpointInterval: parseDuration(r.checkpointInterval),
      sendError: r.sendError,
      bufferLength: r.bufferLength,
      concurrency: r.concurrency,
      lateTolerance: parseDuration(r.lateTolerance),
      restartStrategy: { ...r.restartStrategy },
    };
    this.defaults = defaults;
    this.trials = new TrialManager(this.testEnv());
    this.rules = new RuleManager({
      kv: this.kv,
      catalog: this.catalog,
      defaults,
      clock: this.clock,
      logger: this.logger,
      sources: this.sources,
      confKeys: this.confKeys,
      resolveSink,
      resolveFunction: (name) => getBuiltin(name) ?? this.pluginManager.resolveFunction(name),
      resolvePluginFunction: (name) => this.pluginManager.resolveFunction(name),
      sinkTransform: (props, kind) => compileSinkTransform(props, kind),
      ignoreCase: config.basic.ignoreCase,
      typeDefaults,
      dataDir: options.dataDir,
      sinkCacheDefaults: config.sink,
      plugins: this.pluginManager,
    });
  }

  private testEnv() {
    return {
      catalog: this.catalog,
      clock: this.clock,
      logger: this.logger,
      defaults: this.defaults,
      resolveFunction: (name: string) => getBuiltin(name) ?? this.pluginManager.resolveFunction(name),
      resolvePluginFunction: (name: string) => this.pluginManager.resolveFunction(name),
      sinkTransform: (props: Record<string, unknown>, kind: 'bytes' | 'tuple') => compileSinkTransform(props, kind),
      ignoreCase: this.options.config.basic.ignoreCase,
    };
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    await engine.pluginManager.init();
    await engine.rules.init();
    return engine;
  }

  // ------------------------------------------------------------ streams and tables

  createStream(sql: string): { kind: StreamKind; name: string } {
    const def = this.catalog.create(sql);
    return { kind: def.kind, name: def.name };
  }

  replaceStream(kind: StreamKind, name: string, sql: string): void {
    this.catalog.replace(kind, name, sql);
  }

  dropStream(kind: StreamKind, name: string, force = false): void {
    this.catalog.require(kind, name);
    const users = this.rules.usersOf(name);
    if (users.length && !force) throw oortError('STREAM', `${kind} ${name} has been referenced by other rules: ${users.join(', ')}`);
    this.catalog.drop(kind, name);
  }

  listStreams(kind: StreamKind, tableKind?: string): string[] {
    return this.filtered(kind, tableKind).map((d) => d.name);
  }

  streamDetails(kind: StreamKind, tableKind?: string): { name: string; type: string; format: string }[] {
    return this.filtered(kind, tableKind).map((d) => ({ name: d.name, type: d.type, format: d.format }));
  }

  private filtered(kind: StreamKind, tableKind?: string) {
    const all = this.catalog.list(kind);
    if (kind !== 'table' || (tableKind !== 'scan' && tableKind !== 'lookup')) return all;
    return all.filter((d) => (d.options.KIND ?? 'scan').toLowerCase() === tableKind);
  }

  describeStream(kind: StreamKind, name: string): StreamDescription {
    return describeStream(this.catalog.require(kind, name));
  }

  streamSchema(kind: StreamKind, name: string): Record<string, unknown> {
    return streamSchema(this.catalog.require(kind, name));
  }

  // ------------------------------------------------------------ rules

  createRule(rule: unknown): string {
    return this.rules.create(rule);
  }
  upsertRule(id: string, rule: unknown): boolean {
    const stored = this.rules.has(id) ? this.rules.get(id) : undefined;
    return this.rules.upsert(id, stored ? restoreMasked(rule, stored) : rule);
  }
  /** The rule as stored, with secrets masked (a PUT sending the mask back keeps them). */
  getRule(id: string): unknown {
    return maskDeep(this.rules.get(id));
  }
  listRules(): RuleListItem[] {
    return this.rules.list();
  }
  deleteRule(id: string): Promise<void> {
    return this.rules.delete(id);
  }
  startRule(id: string): Promise<void> {
    return this.rules.start(id);
  }
  stopRule(id: string): Promise<void> {
    return this.rules.stop(id);
  }
  restartRule(id: string): Promise<void> {
    return this.rules.restart(id);
  }
  ruleStatus(id: string): Record<string, unknown> {
    return this.rules.status(id);
  }
  allRuleStatus() {
    return this.rules.allStatus();
  }
  ruleTopo(id: string): RuleTopo {
    return this.rules.topo(id);
  }
  explainRule(id: string): string {
    return this.rules.explain(id);
  }
  validateRule(rule: unknown): { valid: true; sources: string[] } {
    return { valid: true, sources: this.rules.validate(rule).sources };
  }

  setRuleTags(id: string, tags: string[]): void {
    this.rules.setTags(id, tags);
  }
  exportPlugins() {
    return storedPlugins(this.kv);
  }
  ruleSchema(id: string) {
    const raw = this.rules.get(id);
    return typeof raw.sql === 'string' ? ruleSinkSchema(raw.sql) : {};
  }

  runRuleTest(spec: unknown) {
    return runRuleTest(spec as RuleTestSpec, this.testEnv());
  }

  // ------------------------------------------------------------ ruleset

  exportRuleset(): Ruleset {
    const streams: Record<string, string> = {};
    const tables: Record<string, string> = {};
    for (const d of this.catalog.list('stream')) streams[d.name] = d.statement;
    for (const d of this.catalog.list('table')) tables[d.name] = d.statement;
    const rules = Object.fromEntries(Object.entries(this.rules.exportRules()).map(([id, text]) => [id, JSON.stringify(maskDeep(JSON.parse(text)))]));
    return { streams, tables, rules };
  }

  /** eKuiper's code semantics: streams and tables are replaced, rules upserted. */
  importRuleset(content: string): { streams: number; tables: number; rules: number } {
    let set: Partial<Ruleset>;
    try {
      set = JSON.parse(content) as Partial<Ruleset>;
    } catch (e) {
      throw oortError('BAD_REQUEST', `ruleset content is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof set !== 'object' || set === null) throw oortError('BAD_REQUEST', 'ruleset content must be a JSON object');
    const counts = { streams: 0, tables: 0, rules: 0 };
    for (const kind of ['streams', 'tables'] as const) {
      for (const [name, sql] of Object.entries(set[kind] ?? {})) {
        const k: StreamKind = kind === 'streams' ? 'stream' : 'table';
        if (this.catalog.get(name)) {
          if (this.catalog.get(name)!.statement !== sql.trim()) this.catalog.replace(k, name, sql);
        } else this.catalog.create(sql);
        counts[kind]++;
      }
    }
    for (const [id, text] of Object.entries(set.rules ?? {})) {
      let rule: unknown;
      try {
        rule = typeof text === 'string' ? JSON.parse(text) : text;
      } catch (e) {
        throw oortError('BAD_REQUEST', `rule ${id} in the ruleset is not valid JSON: ${(e as Error).message}`);
      }
      this.upsertRule(id, rule);
      counts.rules++;
    }
    return counts;
  }

  // ------------------------------------------------------------ metadata

  listConnectors(kind: 'sources' | 'sinks', lookup?: boolean): ConnectorInfo[] {
    const builtin: Record<string, ConnectorDef<unknown>> = kind === 'sources' ? builtinSources : builtinSinks;
    const out: ConnectorInfo[] = Object.entries(builtin).map(([name, d]) => ({ name, about: d.about ?? '', type: 'internal' }));
    for (const name of this.pluginManager.list(kind) as string[]) out.push({ name, about: '', type: 'plugin' });
    if (kind !== 'sources' || !lookup) return out;
    // lookup capability is a method of the instance; connectors do no I/O before provision
    return out.filter((c) => {
      const def = builtinSources[c.name] ?? this.pluginManager.resolveSource(c.name);
      return typeof def?.create().lookup === 'function';
    });
  }

  connectorMetadata(kind: 'sources' | 'sinks', name: string): Record<string, unknown> {
    const d: ConnectorDef<unknown> | undefined = kind === "sources" ? builtinSources[name] ?? this.pluginManager.resolveSource(name) : builtinSinks[name] ?? this.pluginManager.resolveSink(name);
    if (!d) throw oortError('NOT_FOUND', `${kind.slice(0, -1)} ${name} is not found`);
    const properties = Object.entries(d.schema ?? {}).map(([pname, p]) => ({
      name: pname,
      type: p.type,
      default: p.default,
      optional: !p.required,
      values: p.enum,
      hint: { en_US: p.description ?? '' },
      label: { en_US: pname },
    }));
    return { about: { description: { en_US: d.about ?? '' } }, properties: kind === 'sources' ? { default: properties } : properties };
  }

  listConfKeys(kind: ConfKind, type: string): Record<string, Record<string, unknown>> {
    return this.confKeys.listMasked(kind, type);
  }
  putConfKey(kind: ConfKind, type: string, key: string, props: Record<string, unknown>): void {
    this.confKeys.put(kind, type, key, props);
  }
  deleteConfKey(kind: ConfKind, type: string, key: string): void {
    this.confKeys.delete(kind, type, key);
  }

  async close(): Promise<void> {
    await this.trials.closeAll();
    await this.rules.shutdown();
    await this.sources.closeAll();
    await this.pluginManager.close?.();
    this.kv.close();
  }
}

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === 'localhost' || ip.startsWith('127.');
}

export function openEngine(opts: EngineOptions): Promise<Engine> {
  return Engine.open(opts);
}
