import type { ConfigSchema } from './schema.js';
import type { FunctionDef } from './function.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';

/** Version of this contract. Plugins record the range they were built for in the manifest. */
export const SDK_VERSION = '1.1.0';

/** A connector factory with the schema of its properties. */
export interface ConnectorDef<T> {
  create(): T;
  schema?: ConfigSchema;
  /** Short description shown by `GET /metadata/...`. */
  about?: string;
}

/**
 * What a plugin module exports by default: its sources, sinks and functions by name.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@oort/sdk';
 * export default definePlugin({
 *   sinks: { mysql: { create: () => new MySqlSink(), schema: { url: { type: 'string', required: true } } } },
 * });
 * ```
 */
export interface PluginModule {
  sources?: Record<string, ConnectorDef<Source>>;
  sinks?: Record<string, ConnectorDef<Sink>>;
  functions?: Record<string, FunctionDef>;
}

/** Identity helper that gives plugin authors type checking. */
export function definePlugin(p: PluginModule): PluginModule {
  return p;
}
