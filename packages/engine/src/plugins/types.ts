import type { ConfigSchema, ConnectorDef, FunctionDef, Sink, Source } from '@oort/sdk';
import type { PluginType } from '../api.js';

/** Where a plugin's code runs. */
export type Isolation = 'inprocess' | 'worker' | 'process';

/** Health of a plugin's runtime (always `running` for in-process plugins). */
export type HostState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface HostStatus {
  state: HostState;
  lastError?: string;
  restarts: number;
  pid?: number;
}

/** What `GET .../status` and the rule manager see about one installed plugin. */
export interface PluginStatus extends HostStatus {
  type: PluginType;
  name: string;
  version: string;
  isolation: Isolation;
  /** Open instances per rule id (isolated plugins; eKuiper's portable `refCount`). */
  refCount: Record<string, number>;
  /** Install-time warnings, e.g. a sink property named like an engine-level sink property. */
  warnings?: string[];
}

/** eKuiper's `GET /plugins/portables/{name}/status` body. */
export interface PortableStatus {
  refCount: Record<string, number>;
  status: 'initializing' | 'running' | 'error' | 'stop';
  /** Empty while running; otherwise the last error. */
  errMsg: string;
}

/** The KV record of an installed plugin (namespace `plugins`, key `<type>/<name>`). */
export interface PluginRecord {
  type: PluginType;
  name: string;
  version: string;
  /** Path of the install folder relative to `<dataDir>/plugins`. */
  dir: string;
  /** Main module or executable, relative to the install folder. */
  file: string;
  isolation: Isolation;
  sources: string[];
  sinks: string[];
  functions: string[];
  /** `js` for bundled modules; `python`/`node`/`binary` for external processes. */
  language: string;
  /** Function symbols that are aggregates (external-process plugins). */
  aggregates?: string[];
  /** Per-symbol config schemas from the manifest. */
  schema?: SchemaMap;
  sdk: string;
  sha256?: string;
  installedAt: number;
  /** The request that installed it, for `PUT` and diagnostics (never contains secrets). */
  source?: string;
}

/** A plugin whose code is loaded, however it is isolated. */
export interface LoadedPlugin {
  readonly sources: Map<string, ConnectorDef<Source>>;
  readonly sinks: Map<string, ConnectorDef<Sink>>;
  readonly functions: Map<string, FunctionDef>;
  status(): HostStatus;
  /** Keys (`ruleId/opId/instanceId`) of the source and sink instances open in an isolated runtime. */
  openInstances?(): string[];
  /** Stops the runtime now; instances still open start failing. */
  dispose(): Promise<void>;
  /** Stops the runtime once no instance is open any more (used on update and delete). */
  retire(onGone?: () => void): void;
  /** The install folder moved (to the trash on update/delete); restarts must look there. */
  relocate?(dir: string): void;
}

/** Restart timing of isolated plugins. */
export interface BackoffOptions {
  /** First delay, doubled after each consecutive failure (default 1000 ms). */
  baseMs?: number;
  /** Ceiling of the delay (default 30000 ms). */
  maxMs?: number;
  /** Consecutive failed starts before the plugin is marked `failed` and left alone (default 10). */
  maxFailures?: number;
}

/** Per-symbol config schemas a manifest may carry. */
export type SchemaMap = Record<string, ConfigSchema>;
