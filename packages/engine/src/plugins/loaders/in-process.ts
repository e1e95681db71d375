import { pathToFileURL } from 'node:url';
import { oortError } from '../../errors.js';
import type { LoadedPlugin, SchemaMap } from '../types.js';
import { withRootPath } from './root-path.js';
import { pluginModuleOf, resolveDeclared, type Declared } from './module-shape.js';

export interface InProcessOptions {
  /** Absolute path of the bundled module. */
  main: string;
  label: string;
  declared: Declared;
  schema: SchemaMap;
  /**
   * Made part of the import URL so each install is a fresh module instance: ESM caches by
   * URL, and a new query string is what lets a new version load without a restart.
   */
  instanceTag: string;
  /** The install folder: `ctx.rootPath` of the plugin's source and sink instances. */
  rootPath?: string;
}

/**
 * Imports a plugin into the engine's own thread. Fastest, but a plugin that blocks or
 * crashes the event loop affects everything; old versions stay in memory (ESM modules
 * cannot be unloaded), which is why updates are meant to be occasional.
 */
export async function loadInProcess(o: InProcessOptions): Promise<LoadedPlugin> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(`${pathToFileURL(o.main).href}?oort=${encodeURIComponent(o.instanceTag)}`)) as Record<string, unknown>;
  } catch (err) {
    throw oortError('PLUGIN', `${o.label} failed to load: ${(err as Error)?.message ?? String(err)}`, err);
  }
  const mod = pluginModuleOf(ns);
  if (typeof mod === 'string') throw oortError('PLUGIN', `${o.label}: ${mod}`);
  const r = resolveDeclared(mod, o.declared);
  if (typeof r === 'string') throw oortError('PLUGIN', `${o.label}: ${r}`);
  for (const [name, def] of [...r.sources, ...r.sinks]) {
    if (!def.schema && o.schema[name]) def.schema = o.schema[name];
  }
  if (o.rootPath) {
    for (const [name, def] of r.sources) r.sources.set(name, withRootPath(def, o.rootPath));
    for (const [name, def] of r.sinks) r.sinks.set(name, withRootPath(def, o.rootPath));
  }
  return {
    ...r,
    status: () => ({ state: 'running', restarts: 0 }),
    dispose: async () => {},
    retire: (cb) => cb?.(),
  };
}
