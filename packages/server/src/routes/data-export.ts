import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EngineApi, PluginType } from '@oort/engine';
import { allConfKeys, type ConfEntry } from './conf-entries.js';
import { emptyConfiguration, type Configuration } from './data-document.js';
import type { SchemaStore } from './schema-store.js';
import { listUploads } from './uploads.js';

/** A plugin as eKuiper's install record: enough to install it again. */
export interface PluginRecord {
  type: PluginType;
  name: string;
  file: string;
  shellParas?: string[];
}

/**
 * What the engine should offer for exports (engine/src/admin/stored-config.ts `storedPlugins`);
 * without it plugins are listed with an empty `file`.
 */
interface PluginExporter {
  exportPlugins(): PluginRecord[];
}

export function pluginRecords(engine: EngineApi): PluginRecord[] {
  const e = engine as EngineApi & Partial<PluginExporter>;
  if (typeof e.exportPlugins === 'function') return e.exportPlugins();
  const p = engine.plugins;
  const out: PluginRecord[] = [];
  for (const type of ['sources', 'sinks', 'functions', 'portables'] as const) {
    let items: (string | { name: string })[];
    try {
      items = p.list(type);
    } catch {
      continue;
    }
    for (const it of items) out.push({ type, name: typeof it === 'string' ? it : it.name, file: '' });
  }
  return out;
}

export interface ExportEnv {
  engine: EngineApi;
  dataDir: string;
  schemas: SchemaStore;
}

/** Everything, in eKuiper's JSON document (`GET /data/export`). */
export async function exportAll(env: ExportEnv): Promise<Configuration> {
  const { engine } = env;
  const doc = emptyConfiguration();
  const rs = engine.exportRuleset();
  Object.assign(doc.streams, rs.streams);
  Object.assign(doc.tables, rs.tables);
  Object.assign(doc.rules, rs.rules);
  addPlugins(doc, pluginRecords(engine));
  addConfKeys(doc, allConfKeys(engine));
  for (const [k, info] of Object.entries(await env.schemas.exportAll())) doc.Schema[k] = JSON.stringify(info);
  await addUploads(doc, env.dataDir);
  return doc;
}

/**
 * Only the given rules and what they need (`POST /data/export`): their streams and tables,
 * the conf keys and connections those and the rule actions name, and all plugins (Oort does
 * not track which plugin a rule uses).
 */
export async function exportRules(env: ExportEnv, ids: string[]): Promise<Configuration> {
  const { engine } = env;
  const doc = emptyConfiguration();
  const rs = engine.exportRuleset();
  const tables = new Set(engine.listStreams('table'));
  const wantedConf = new Set<string>();
  for (const id of ids) {
    const text = rs.rules[id];
    if (text === undefined) continue;
    doc.rules[id] = text;
    const rule = JSON.parse(text) as { actions?: Record<string, Record<string, unknown>>[] };
    for (const action of rule.actions ?? []) {
      for (const [type, props] of Object.entries(action)) {
        const ref = props?.['resourceId'] ?? props?.['connectionSelector'];
        if (typeof ref === 'string') wantedConf.add(`sinks.${type}.${ref}`).add(`connections.${type}.${ref}`);
      }
    }
    let sources: string[] = [];
    try {
      sources = engine.validateRule(rule).sources;
    } catch {
      // An invalid stored rule still exports itself.
    }
    for (const name of sources) {
      const kind = tables.has(name) ? 'table' : 'stream';
      const sql = kind === 'table' ? rs.tables[name] : rs.streams[name];
      if (sql === undefined) continue;
      (kind === 'table' ? doc.tables : doc.streams)[name] = sql;
      const opts = engine.describeStream(kind, name).Options as Record<string, unknown>;
      const type = typeof opts['type'] === 'string' && opts['type'] !== '' ? (opts['type'] as string) : kind === 'table' ? 'file' : 'mqtt';
      const confKey = typeof opts['confKey'] === 'string' ? opts['confKey'] : 'default';
      wantedConf.add(`sources.${type}.${confKey}`);
      const section = engine.listConfKeys('sources', type)[confKey];
      const sel = section?.['connectionSelector'];
      if (typeof sel === 'string') wantedConf.add(`connections.${type}.${sel}`);
    }
  }
  addPlugins(doc, pluginRecords(engine));
  addConfKeys(doc, allConfKeys(engine).filter((e) => wantedConf.has(`${e.kind}.${e.type}.${e.key}`)));
  return doc;
}

function addPlugins(doc: Configuration, plugins: PluginRecord[]): void {
  for (const p of plugins) {
    if (p.type === 'portables') doc.portablePlugins[p.name] = JSON.stringify({ name: p.name, file: p.file });
    else doc.nativePlugins[`${p.type}_${p.name}`] = JSON.stringify({ name: p.name, file: p.file, shellParas: p.shellParas ?? [] });
  }
}

function addConfKeys(doc: Configuration, entries: ConfEntry[]): void {
  const grouped: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {};
  for (const e of entries) ((grouped[e.kind] ??= {})[e.type] ??= {})[e.key] = e.props;
  const section = { sources: 'sourceConfig', sinks: 'sinkConfig', connections: 'connectionConfig' } as const;
  for (const [kind, types] of Object.entries(grouped)) {
    for (const [type, keys] of Object.entries(types)) doc[section[kind as keyof typeof section]][type] = JSON.stringify(keys);
  }
}

/** Uploads whose bytes are valid UTF-8, as `{"name","content"}` (binary files are left out). */
async function addUploads(doc: Configuration, dataDir: string): Promise<void> {
  for (const path of await listUploads(dataDir)) {
    const buf = await readFile(path).catch(() => undefined);
    if (buf === undefined) continue;
    const text = buf.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(buf)) continue;
    const name = basename(path);
    doc.uploads[name] = JSON.stringify({ name, content: text });
  }
}
