import type { EngineApi, OortConfig, PluginType, StreamKind } from '@oort/engine';
import { allConfKeys } from './conf-entries.js';
import { emptyConfiguration, type Configuration } from './data-document.js';
import type { SchemaStore } from './schema-store.js';
import { saveUpload } from './uploads.js';
import { readUrlBytes } from '../file-url.js';

export interface ImportEnv {
  engine: EngineApi;
  config: OortConfig;
  schemas: SchemaStore;
}

const PLUGIN_TYPES: readonly PluginType[] = ['sources', 'sinks', 'functions'];

/**
 * Imports a configuration document and returns the per-item errors (empty maps: all went
 * well). Without `partial` everything the engine holds is dropped first, as eKuiper does:
 * rules, streams, tables, conf keys and connections, schemas. Plugins and uploaded files stay
 * (plugins listed in the document are installed when absent; uploads are overwritten).
 * With `partial` nothing is dropped: conf keys are overwritten, streams and tables replaced,
 * rules upserted.
 */
export async function importConfiguration(env: ImportEnv, doc: Configuration, partial: boolean): Promise<Configuration> {
  const { engine } = env;
  const errors = emptyConfiguration();
  if (!partial) await reset(env);

  for (const [k, v] of Object.entries(doc.uploads)) {
    await attempt(errors.uploads, k, async () => {
      const fc = JSON.parse(v) as { name?: string; content?: string; file?: string };
      if (!fc.content && !fc.file) throw new Error('invalid body: content or FilePath is required');
      if (!fc.name) throw new Error('invalid body: name is required');
      await saveUpload(env.config.dataDir, fc.name, fc.file ? await readUrlBytes(fc.file, env.config) : fc.content!);
    });
  }

  for (const [k, v] of Object.entries(doc.Schema)) {
    await attempt(errors.Schema, k, async () => {
      const info = JSON.parse(v) as { type?: string; name?: string; content?: string; file?: string; version?: string };
      const type = info.type ?? k.slice(0, k.indexOf('_'));
      const name = info.name ?? k.slice(k.indexOf('_') + 1);
      if (!info.content && !info.file) throw new Error('must specify content or file');
      const content = info.file ? (await readUrlBytes(info.file, env.config)).toString('utf8') : info.content!;
      await env.schemas.put({ type, name, ...(info.version ? { version: info.version } : {}) }, content, info.file);
    });
  }

  for (const [k, v] of Object.entries(doc.nativePlugins)) {
    await attempt(errors.nativePlugins, k, async () => {
      const type = k.slice(0, k.indexOf('_')) as PluginType;
      if (!PLUGIN_TYPES.includes(type)) throw new Error(`unknown plugin type in ${k}`);
      await installIfAbsent(engine, type, JSON.parse(v) as PluginBody);
    });
  }
  for (const [k, v] of Object.entries(doc.portablePlugins)) {
    await attempt(errors.portablePlugins, k, () => installIfAbsent(engine, 'portables', JSON.parse(v) as PluginBody));
  }

  const confSections = [['sourceConfig', 'sources'], ['sinkConfig', 'sinks'], ['connectionConfig', 'connections']] as const;
  for (const [section, kind] of confSections) {
    for (const [type, v] of Object.entries(doc[section])) {
      await attempt(errors[section], type, () => {
        const keys = JSON.parse(v) as Record<string, Record<string, unknown>>;
        for (const [key, props] of Object.entries(keys)) engine.putConfKey(kind, type, key, props);
      });
    }
  }

  for (const [section, kind] of [['streams', 'stream'], ['tables', 'table']] as const) {
    const existing = new Set(engine.listStreams(kind));
    for (const [name, sql] of Object.entries(doc[section])) {
      await attempt(errors[section], name, () => {
        if (existing.has(name)) engine.replaceStream(kind as StreamKind, name, sql);
        else engine.createStream(sql);
      });
    }
  }

  for (const [id, text] of Object.entries(doc.rules)) {
    await attempt(errors.rules, id, () => {
      engine.upsertRule(id, JSON.parse(text));
    });
  }
  return errors;
}

interface PluginBody {
  name?: string;
  file?: string;
  shellParas?: string[];
}

async function installIfAbsent(engine: EngineApi, type: PluginType, body: PluginBody): Promise<void> {
  if (!body.name) throw new Error('plugin name is required');
  const installed = (engine.plugins.list(type) as (string | { name: string })[]).some((p) => (typeof p === 'string' ? p : p.name) === body.name);
  if (installed) return;
  if (!body.file) throw new Error(`plugin ${body.name} is not installed and the document has no file to install it from`);
  await engine.plugins.install(type, { name: body.name, file: body.file, ...(body.shellParas ? { shellParas: body.shellParas } : {}) });
}

async function attempt(errors: Record<string, string>, key: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    errors[key] = err instanceof Error ? err.message : String(err);
  }
}

/** Drops rules (waiting for each to stop), streams, tables, conf keys, connections and schemas. */
export async function reset(env: ImportEnv): Promise<void> {
  const { engine } = env;
  for (const r of engine.listRules()) await engine.deleteRule(r.id).catch(() => undefined);
  for (const kind of ['stream', 'table'] as const) {
    for (const name of engine.listStreams(kind)) {
      try {
        engine.dropStream(kind, name, true);
      } catch {
        // dropped concurrently
      }
    }
  }
  for (const e of allConfKeys(engine)) {
    try {
      engine.deleteConfKey(e.kind, e.type, e.key);
    } catch {
      // file defaults from etc/ are read-only and stay
    }
  }
  await env.schemas.reset();
}
