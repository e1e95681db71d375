/**
 * The engine as the REST server and tests see it. Every method throws `OortError`
 * (see errors.ts) for user-facing failures; the server maps those to eKuiper's
 * `{"error": code, "message"}` bodies. Methods are synchronous where the work is
 * (metadata is in SQLite); rule start/stop are asynchronous as in eKuiper.
 */

export type StreamKind = 'stream' | 'table';

/** `GET /streams/{name}` body, in eKuiper v2's shape. */
export interface StreamDescription {
  Name: string;
  StreamFields: unknown[] | null;
  Options: Record<string, unknown>;
  StreamType: 0 | 1;
  Statement: null;
}

export interface RuleListItem {
  id: string;
  name: string;
  status: string;
  version: string;
  trace: boolean;
  tags: string[] | null;
}

export interface RuleTopo {
  sources: string[];
  edges: Record<string, string[]>;
}

export interface Ruleset {
  streams: Record<string, string>;
  tables: Record<string, string>;
  rules: Record<string, string>;
}

export type ConfKind = 'sources' | 'sinks' | 'connections';

export interface ConnectorInfo {
  name: string;
  about: string;
  type: 'internal' | 'plugin';
}

export interface PluginInfo {
  name: string;
  version: string;
  functions?: string[];
}

export type PluginType = 'sources' | 'sinks' | 'functions' | 'portables';

export interface PluginInstallRequest {
  name: string;
  file: string;
  sha256?: string;
  shellParas?: string[];
  functions?: string[];
  isolation?: 'inprocess' | 'worker' | 'process';
}

/** Plugin management, implemented in plugins/. */
export interface PluginApi {
  install(type: PluginType, req: PluginInstallRequest): Promise<void>;
  update(type: PluginType, name: string, req: PluginInstallRequest): Promise<void>;
  remove(type: PluginType, name: string): Promise<void>;
  list(type: PluginType): string[] | PluginInfo[];
  get(type: PluginType, name: string): PluginInfo;
  udfs(): string[];
  udf(name: string): { name: string; plugin: string };
  /** `GET /plugins/portables/{name}/status` in eKuiper's shape. */
  portableStatus(name: string): { refCount: Record<string, number>; status: string; errMsg: string };
}

export interface EngineApi {
  readonly version: string;
  readonly startedAt: number;

  createStream(sql: string): { kind: StreamKind; name: string };
  replaceStream(kind: StreamKind, name: string, sql: string): void;
  dropStream(kind: StreamKind, name: string, force?: boolean): void;
  listStreams(kind: StreamKind, tableKind?: string): string[];
  streamDetails(kind: StreamKind, tableKind?: string): { name: string; type: string; format: string }[];
  describeStream(kind: StreamKind, name: string): StreamDescription;
  streamSchema(kind: StreamKind, name: string): Record<string, unknown>;

  createRule(rule: unknown): string;
  /** Upsert; returns true when the rule was created. */
  upsertRule(id: string, rule: unknown): boolean;
  getRule(id: string): unknown;
  listRules(): RuleListItem[];
  deleteRule(id: string): Promise<void>;
  startRule(id: string): Promise<void>;
  stopRule(id: string): Promise<void>;
  restartRule(id: string): Promise<void>;
  ruleStatus(id: string): Record<string, unknown>;
  allRuleStatus(): Record<string, { status: string; last_exception: string; exceptions_total: number }>;
  ruleTopo(id: string): RuleTopo;
  explainRule(id: string): string;
  validateRule(rule: unknown): { valid: true; sources: string[] };

  exportRuleset(): Ruleset;
  importRuleset(content: string): { streams: number; tables: number; rules: number };

  listConnectors(kind: 'sources' | 'sinks', lookup?: boolean): ConnectorInfo[];
  connectorMetadata(kind: 'sources' | 'sinks', name: string): Record<string, unknown>;
  listConfKeys(kind: ConfKind, type: string): Record<string, Record<string, unknown>>;
  putConfKey(kind: ConfKind, type: string, key: string, props: Record<string, unknown>): void;
  deleteConfKey(kind: ConfKind, type: string, key: string): void;

  readonly plugins: PluginApi;

  /** Replaces a rule's tags without replanning or restarting it. */
  setRuleTags?(id: string, tags: string[]): void;
  /**
   * Stored conf keys with their secrets, for `/data/export`. The engine does not offer it:
   * exports mask secrets like every GET (an exported file is not a secret store).
   */
  exportConfKeys?(): { kind: ConfKind; type: string; key: string; props: Record<string, unknown> }[];
  /** Installed plugins with the URL they came from, for `/data/export`. */
  exportPlugins?(): { type: PluginType; name: string; file: string; shellParas?: string[] }[];
  /** `GET /rules/{id}/schema`. */
  ruleSchema?(id: string): Record<string, { hasIndex: true; index: number }>;

  /** eKuiper's trial runs (`/ruletest`); results are pushed to listeners as JSON text. */
  readonly trials?: {
    create(spec: unknown): { id: string };
    start(id: string): Promise<void>;
    listen(id: string, listener: (json: string) => void): () => void;
    has(id: string): boolean;
    delete(id: string): Promise<void>;
  };

  /** `POST /ruletest/run`: runs a rule over recorded events in simulated time. */
  runRuleTest?(spec: unknown): Promise<{ emissions: Record<string, unknown>[][]; metrics: Record<string, unknown> }>;

  close(): Promise<void>;
}
