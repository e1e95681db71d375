/**
 * The `<name>.json` manifest at the root of a plugin zip. The engine reads it before any
 * plugin code runs, so it can refuse a plugin built for an sdk range it does not support.
 */
export interface PluginManifest {
  name: string;
  version: string;
  /** Semver range of `@oort/sdk` the plugin was built against, e.g. `^1.0.0`. */
  sdk: string;
  kinds: Array<'source' | 'sink' | 'function'>;
  sources: string[];
  sinks: string[];
  functions: string[];
  isolation: 'inprocess' | 'worker' | 'process';
  /** The bundled ES module, `<name>.js`. */
  main?: string;
  /** Portable (external-process) plugins only. */
  language?: 'python' | 'node' | 'binary';
  executable?: string;
  /** Function symbols that are aggregates. */
  aggregates?: string[];
  /** Config schemas by symbol, copied from the module so the server can validate without loading it. */
  schema?: Record<string, unknown>;
  description?: string;
}

/** Plugin and symbol names must be usable as SQL identifiers and eKuiper ids. */
export const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The REST plugin type (`/plugins/{type}`) a manifest installs under by default. */
export function defaultPluginType(m: PluginManifest): 'sources' | 'sinks' | 'functions' | 'portables' {
  if (m.language) return 'portables';
  const kind = m.kinds[0] ?? (m.sinks.length ? 'sink' : m.sources.length ? 'source' : 'function');
  return kind === 'source' ? 'sources' : kind === 'sink' ? 'sinks' : 'functions';
}
