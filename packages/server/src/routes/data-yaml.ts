import type { Configuration } from './data-document.js';
import { emptyConfiguration } from './data-document.js';

type Obj = Record<string, unknown>;
const CONF = [['sourceConfig', 'sources'], ['sinkConfig', 'sinks'], ['connectionConfig', 'connections']] as const;

/**
 * eKuiper's v2 document (`GET /v2/data/export`): the same content as objects instead of JSON
 * strings, conf keys flattened to `"<kind>.<type>.<key>"`, streams as `{sql}`, rules as objects.
 * Empty optional sections are left out, as Go's omitempty does; `streams` and `rules` stay.
 */
export function toV2Document(doc: Configuration): Obj {
  const out: Obj = {};
  for (const [section, kind] of CONF) {
    const flat: Obj = {};
    for (const [type, text] of Object.entries(doc[section])) {
      for (const [key, props] of Object.entries(JSON.parse(text) as Obj)) flat[`${kind}.${type}.${key}`] = props;
    }
    if (Object.keys(flat).length) out[section] = flat;
  }
  const parsed = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, JSON.parse(v) as unknown]));
  if (Object.keys(doc.nativePlugins).length) out['nativePlugins'] = parsed(doc.nativePlugins);
  if (Object.keys(doc.portablePlugins).length) out['portablePlugins'] = parsed(doc.portablePlugins);
  if (Object.keys(doc.Schema).length) out['schema'] = parsed(doc.Schema);
  if (Object.keys(doc.uploads).length) out['uploads'] = parsed(doc.uploads);
  out['streams'] = Object.fromEntries(Object.entries(doc.streams).map(([k, sql]) => [k, { sql }]));
  if (Object.keys(doc.tables).length) out['tables'] = Object.fromEntries(Object.entries(doc.tables).map(([k, sql]) => [k, { sql }]));
  out['rules'] = parsed(doc.rules);
  return out;
}

/** The inverse of {@link toV2Document}, for `POST /v2/data/import`. */
export function fromV2Document(v2: unknown): Configuration {
  if (typeof v2 !== 'object' || v2 === null || Array.isArray(v2)) throw new Error('the document must be a YAML mapping');
  const m = v2 as Obj;
  const doc = emptyConfiguration();
  const map = (k: string): Obj => {
    const v = m[k];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${k} must be a mapping`);
    return v as Obj;
  };
  for (const [section, kind] of CONF) {
    const grouped: Record<string, Obj> = {};
    for (const [flat, props] of Object.entries(map(section))) {
      const parts = flat.split('.');
      if (parts.length !== 3 || parts[0] !== kind) throw new Error(`${section} key ${flat} must look like ${kind}.<type>.<key>`);
      (grouped[parts[1]!] ??= {})[parts[2]!] = props;
    }
    for (const [type, keys] of Object.entries(grouped)) doc[section][type] = JSON.stringify(keys);
  }
  const str = (o: Obj) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, JSON.stringify(renameFilePath(v))]));
  doc.nativePlugins = str(map('nativePlugins'));
  doc.portablePlugins = str(map('portablePlugins'));
  doc.Schema = str(map('schema'));
  doc.uploads = str(map('uploads'));
  for (const [section, key] of [['streams', 'streams'], ['tables', 'tables']] as const) {
    for (const [name, v] of Object.entries(map(key))) {
      const sql = (v as Obj | null)?.['sql'];
      if (typeof sql !== 'string') throw new Error(`${key}.${name}.sql must be a string`);
      doc[section][name] = sql;
    }
  }
  doc.rules = Object.fromEntries(Object.entries(map('rules')).map(([k, v]) => [k, JSON.stringify(v)]));
  return doc;
}

// Go's YAML tags name the URL `filePath` where the JSON ones say `file`.
function renameFilePath(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || !('filePath' in v)) return v;
  const { filePath, ...rest } = v as Obj;
  return { ...rest, file: filePath };
}
