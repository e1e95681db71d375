import {
  maskDeep,
  restoreMasked,
  OortError,
  loadConfig,
  type ConfKind,
  type ConnectorInfo,
  type EngineApi,
  type OortConfig,
  type PluginApi,
  type PluginInfo,
  type PluginInstallRequest,
  type PluginType,
  type RuleListItem,
  type Ruleset,
  type StreamDescription,
  type StreamKind,
} from '@oort/engine';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../app.js';
import { silentLogger } from '../logger.js';

/**
 * A small in-memory EngineApi for route tests: just enough behaviour to exercise every
 * route's success and error paths. `calls` records what the routes asked for.
 */
export class FakeEngine implements EngineApi {
  readonly version = '9.9.9-test';
  readonly startedAt = Date.now() - 5000;
  readonly calls: unknown[][] = [];
  readonly streams = new Map<string, { kind: StreamKind; sql: string; tableKind?: string }>();
  readonly rules = new Map<string, { rule: Record<string, unknown>; status: string }>();
  readonly confKeys = new Map<string, Record<string, Record<string, unknown>>>();
  /** Makes the next call to the named method throw this. */
  failNext: { method: string; error: unknown } | undefined;
  readonly plugins: FakePlugins = new FakePlugins(this);
  closed = false;

  private maybeFail(method: string, ...args: unknown[]): void {
    this.calls.push([method, ...args]);
    if (this.failNext?.method === method) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  createStream(sql: string): { kind: StreamKind; name: string } {
    this.maybeFail('createStream', sql);
    const m = /^\s*CREATE\s+(STREAM|TABLE)\s+([A-Za-z0-9_]+)/i.exec(sql);
    if (!m) throw new OortError('SQL_PARSE', `found "${sql.split(/\s+/)[0] ?? ''}", expected CREATE STREAM or CREATE TABLE`);
    const kind = m[1]!.toLowerCase() as StreamKind;
    const name = m[2]!;
    if (this.streams.has(name)) throw new OortError('STREAM', `${kind} ${name} already exists`);
    const tableKind = /KIND\s*=\s*"lookup"/i.test(sql) ? 'lookup' : 'scan';
    this.streams.set(name, { kind, sql, ...(kind === 'table' ? { tableKind } : {}) });
    return { kind, name };
  }
  replaceStream(kind: StreamKind, name: string, sql: string): void {
    this.maybeFail('replaceStream', kind, name, sql);
    const s = this.streams.get(name);
    if (s === undefined || s.kind !== kind) throw new OortError('NOT_FOUND', `${kind} ${name} is not found`);
    s.sql = sql;
  }
  dropStream(kind: StreamKind, name: string, force?: boolean): void {
    this.maybeFail('dropStream', kind, name, force);
    const s = this.streams.get(name);
    if (s === undefined || s.kind !== kind) throw new OortError('NOT_FOUND', `${kind} ${name} is not found`);
    this.streams.delete(name);
  }
  listStreams(kind: StreamKind, tableKind?: string): string[] {
    this.maybeFail('listStreams', kind, tableKind);
    return [...this.streams].filter(([, s]) => s.kind === kind && (tableKind === undefined || s.tableKind === tableKind)).map(([n]) => n).sort();
  }
  streamDetails(kind: StreamKind, tableKind?: string): { name: string; type: string; format: string }[] {
    return this.listStreams(kind, tableKind).map((name) => ({ name, type: 'mqtt', format: 'json' }));
  }
  describeStream(kind: StreamKind, name: string): StreamDescription {
    this.maybeFail('describeStream', kind, name);
    const s = this.streams.get(name);
    if (s === undefined || s.kind !== kind) throw new OortError('NOT_FOUND', `${kind} ${name} is not found`);
    return { Name: name, StreamFields: null, Options: { datasource: name, format: 'json' }, StreamType: kind === 'stream' ? 0 : 1, Statement: null };
  }
  streamSchema(kind: StreamKind, name: string): Record<string, unknown> {
    this.describeStream(kind, name);
    return { temperature: { type: 'float' }, count: { type: 'bigint', default: 12n } };
  }

  createRule(rule: unknown): string {
    this.maybeFail('createRule', rule);
    const r = rule as Record<string, unknown>;
    const id = r['id'];
    if (typeof id !== 'string' || id === '') throw new OortError('RULE', 'missing rule id');
    if (typeof r['sql'] !== 'string') throw new OortError('RULE', `rule ${id}: sql or graph is required`);
    if (this.rules.has(id)) throw new OortError('RULE', `rule ${id} already exists`);
    this.rules.set(id, { rule: r, status: 'running' });
    return id;
  }
  upsertRule(id: string, rule: unknown): boolean {
    this.maybeFail('upsertRule', id, rule);
    const created = !this.rules.has(id);
    this.rules.set(id, { rule: { ...(rule as object), id }, status: 'running' });
    return created;
  }
  private rule(id: string) {
    const r = this.rules.get(id);
    if (r === undefined) throw new OortError('NOT_FOUND', `rule ${id} not found`);
    return r;
  }
  getRule(id: string): unknown {
    this.maybeFail('getRule', id);
    return this.rule(id).rule;
  }
  listRules(): RuleListItem[] {
    this.maybeFail('listRules');
    return [...this.rules].map(([id, r]) => ({ id, name: id, status: r.status, version: '', trace: false, tags: null }));
  }
  async deleteRule(id: string): Promise<void> {
    this.maybeFail('deleteRule', id);
    this.rule(id);
    this.rules.delete(id);
  }
  async startRule(id: string): Promise<void> {
    this.maybeFail('startRule', id);
    this.rule(id).status = 'running';
  }
  async stopRule(id: string): Promise<void> {
    this.maybeFail('stopRule', id);
    this.rule(id).status = 'stopped';
  }
  async restartRule(id: string): Promise<void> {
    this.maybeFail('restartRule', id);
    this.rule(id).status = 'running';
  }
  ruleStatus(id: string): Record<string, unknown> {
    this.maybeFail('ruleStatus', id);
    return { status: this.rule(id).status, message: '', lastStartTimestamp: 1712126817659, source_demo_0_records_in_total: 3n };
  }
  allRuleStatus(): Record<string, { status: string; last_exception: string; exceptions_total: number }> {
    return Object.fromEntries([...this.rules].map(([id, r]) => [id, { status: r.status, last_exception: '', exceptions_total: 0 }]));
  }
  ruleTopo(id: string) {
    this.maybeFail('ruleTopo', id);
    this.rule(id);
    return { sources: ['source_demo'], edges: { source_demo: ['op_2_project'], op_2_project: ['sink_log_0'] } };
  }
  explainRule(id: string): string {
    this.maybeFail('explainRule', id);
    this.rule(id);
    return 'ProjectPlan\n  DataSourcePlan(demo)\n';
  }
  validateRule(rule: unknown): { valid: true; sources: string[] } {
    this.maybeFail('validateRule', rule);
    const sql = (rule as { sql?: unknown }).sql;
    if (typeof sql !== 'string') throw new OortError('RULE', 'invalid rule: sql or graph is required');
    const m = /FROM\s+([A-Za-z0-9_]+)/i.exec(sql);
    if (!m || !this.streams.has(m[1]!)) throw new OortError('PLAN', `stream ${m?.[1] ?? '?'} not found`);
    return { valid: true, sources: [m[1]!] };
  }

  exportRuleset(): Ruleset {
    const out: Ruleset = { streams: {}, tables: {}, rules: {} };
    for (const [n, s] of this.streams) (s.kind === 'stream' ? out.streams : out.tables)[n] = s.sql;
    for (const [id, r] of this.rules) out.rules[id] = JSON.stringify(r.rule);
    return out;
  }
  importRuleset(content: string): { streams: number; tables: number; rules: number } {
    this.maybeFail('importRuleset', content);
    let doc: Ruleset;
    try {
      doc = JSON.parse(content) as Ruleset;
    } catch (err) {
      throw new OortError('GENERAL', `invalid ruleset: ${(err as Error).message}`);
    }
    for (const sql of [...Object.values(doc.streams ?? {}), ...Object.values(doc.tables ?? {})]) this.createStream(sql);
    for (const [id, text] of Object.entries(doc.rules ?? {})) this.upsertRule(id, JSON.parse(text));
    return { streams: Object.keys(doc.streams ?? {}).length, tables: Object.keys(doc.tables ?? {}).length, rules: Object.keys(doc.rules ?? {}).length };
  }

  listConnectors(kind: 'sources' | 'sinks', lookup?: boolean): ConnectorInfo[] {
    this.maybeFail('listConnectors', kind, lookup);
    if (kind === 'sinks') return [{ name: 'log', about: 'log sink', type: 'internal' }];
    return lookup ? [{ name: 'memory', about: 'memory lookup', type: 'internal' }] : [{ name: 'mqtt', about: 'mqtt source', type: 'internal' }];
  }
  connectorMetadata(kind: 'sources' | 'sinks', name: string): Record<string, unknown> {
    this.maybeFail('connectorMetadata', kind, name);
    if (name !== 'mqtt' && name !== 'log') throw new OortError('NOT_FOUND', `${kind} ${name} not found`);
    return { about: { description: name }, properties: { default: [] } };
  }
  listConfKeys(kind: ConfKind, type: string): Record<string, Record<string, unknown>> {
    this.maybeFail('listConfKeys', kind, type);
    const keys = this.confKeys.get(`${kind}.${type}`);
    if (keys === undefined) throw new OortError('CONF_KEY', `no ${kind} type ${type}`);
    return maskDeep(keys);
  }
  putConfKey(kind: ConfKind, type: string, key: string, props: Record<string, unknown>): void {
    this.maybeFail('putConfKey', kind, type, key, props);
    const keys = this.confKeys.get(`${kind}.${type}`) ?? {};
    keys[key] = keys[key] ? restoreMasked(props, keys[key]) : props;
    this.confKeys.set(`${kind}.${type}`, keys);
  }
  deleteConfKey(kind: ConfKind, type: string, key: string): void {
    this.maybeFail('deleteConfKey', kind, type, key);
    const keys = this.confKeys.get(`${kind}.${type}`);
    if (keys?.[key] === undefined) throw new OortError('NOT_FOUND', `conf key ${key} of ${kind} ${type} not found`);
    delete keys[key];
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakePlugins implements PluginApi {
  readonly installed = new Map<string, PluginInstallRequest>();
  constructor(private readonly engine: FakeEngine) {}
  private fail(method: string, ...args: unknown[]): void {
    (this.engine as unknown as { maybeFail(m: string, ...a: unknown[]): void }).maybeFail(method, ...args);
  }
  async install(type: PluginType, req: PluginInstallRequest): Promise<void> {
    this.fail('plugins.install', type, req);
    if (!req.file.endsWith('.zip')) throw new OortError('PLUGIN', `invalid file ${req.file}: must be a .zip`);
    if (this.installed.has(`${type}/${req.name}`)) throw new OortError('PLUGIN', `plugin ${req.name} already exists`);
    this.installed.set(`${type}/${req.name}`, req);
  }
  async update(type: PluginType, name: string, req: PluginInstallRequest): Promise<void> {
    this.fail('plugins.update', type, name, req);
    this.get(type, name);
    this.installed.set(`${type}/${name}`, req);
  }
  async remove(type: PluginType, name: string): Promise<void> {
    this.fail('plugins.remove', type, name);
    this.get(type, name);
    this.installed.delete(`${type}/${name}`);
  }
  list(type: PluginType): string[] | PluginInfo[] {
    const names = [...this.installed.keys()].filter((k) => k.startsWith(`${type}/`)).map((k) => k.slice(type.length + 1));
    return type === 'portables' ? names.map((name) => ({ name, version: '1.0.0' })) : names;
  }
  get(type: PluginType, name: string): PluginInfo {
    const p = this.installed.get(`${type}/${name}`);
    if (p === undefined) throw new OortError('NOT_FOUND', 'not found');
    return { name, version: '1.0.0', ...(p.functions ? { functions: p.functions } : {}) };
  }
  udfs(): string[] {
    return [...this.installed.values()].flatMap((p) => p.functions ?? []);
  }
  udf(name: string): { name: string; plugin: string } {
    for (const [k, p] of this.installed) if (p.functions?.includes(name)) return { name, plugin: k.split('/')[1]! };
    throw new OortError('NOT_FOUND', 'not found');
  }
  portableStatus(name: string): { refCount: Record<string, number>; status: string; errMsg: string } {
    if (!this.installed.has(`portables/${name}`)) throw new OortError('NOT_FOUND', `portables plugin ${name} is not found`);
    return { refCount: {}, status: 'running', errMsg: '' };
  }
}

/** A test configuration: defaults with the given overrides and a throwaway data dir. */
export function testConfig(overrides: Parameters<typeof loadConfig>[0] = {}): OortConfig {
  return loadConfig({ dataDir: '/tmp/oort-server-test-unused', ...overrides });
}

/** A fake engine and an app over it, ready for `inject()`. */
export function fakeApp(opts: { config?: OortConfig; app?: BuildAppOptions } = {}): { engine: FakeEngine; app: FastifyInstance } {
  const engine = new FakeEngine();
  const app = buildApp(engine, opts.config ?? testConfig(), { log: silentLogger, ...opts.app });
  return { engine, app };
}
