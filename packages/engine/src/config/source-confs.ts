import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse } from 'yaml';
import { OortError } from '../errors.js';
import { parseScalar } from './scalar.js';

export type ConfProps = Record<string, unknown>;
/** type → confKey → props; the `default` key holds the type's defaults. */
export type SourceConfs = Record<string, Record<string, ConfProps>>;

/**
 * Reads eKuiper-style source configuration files: `<etcDir>/sources/<type>.yaml` and the
 * legacy `<etcDir>/mqtt_source.yaml` (type `mqtt`; `sources/mqtt.yaml` wins key by key).
 * Each file maps conf keys (`default` and named ones) to property maps. Keys are returned
 * as written, not merged with `default`: see {@link resolveSourceConf}.
 *
 * When `env` is given, eKuiper's overrides apply: `MQTT_SOURCE__DEFAULT__SERVER=...` for
 * mqtt_source.yaml and `<TYPE>__<CONFKEY>__<PROP>=...` for `sources/<type>.yaml`, matched
 * case-insensitively, values read as YAML scalars. A missing folder yields `{}`.
 */
export function loadSourceConfs(etcDir: string, env?: NodeJS.ProcessEnv): SourceConfs {
  const out: SourceConfs = {};
  const envPrefixes: [string, string][] = [];
  const legacy = join(etcDir, 'mqtt_source.yaml');
  if (existsSync(legacy)) {
    mergeInto(out, 'mqtt', readConfFile(legacy));
    envPrefixes.push(['MQTT_SOURCE__', 'mqtt']);
  }
  const dir = join(etcDir, 'sources');
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).sort()) {
      const ext = extname(file);
      if (ext !== '.yaml' && ext !== '.yml') continue;
      const type = basename(file, ext);
      mergeInto(out, type, readConfFile(join(dir, file)));
      envPrefixes.push([`${type.toUpperCase()}__`, type]);
    }
  }
  if (env !== undefined) {
    for (const [prefix, type] of envPrefixes) applyEnv(out[type]!, env, prefix);
  }
  return out;
}

/** The properties a source of `type` uses with `confKey`: the type's `default` overlaid by the named key. */
export function resolveSourceConf(confs: SourceConfs, type: string, confKey?: string): ConfProps {
  const keys = confs[type] ?? {};
  const named = confKey !== undefined && confKey !== '' ? keys[confKey] : undefined;
  return { ...(keys['default'] ?? {}), ...(named ?? {}) };
}

function readConfFile(file: string): Record<string, ConfProps> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OortError('CONF_KEY', `${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (!isMap(doc)) throw new OortError('CONF_KEY', `${file} must map conf keys to property maps`);
  const out: Record<string, ConfProps> = {};
  for (const [key, props] of Object.entries(doc)) {
    if (props === null) out[key] = {};
    else if (isMap(props)) out[key] = props;
    else throw new OortError('CONF_KEY', `${file}: conf key ${key} must be a map of properties`);
  }
  return out;
}

function mergeInto(out: SourceConfs, type: string, keys: Record<string, ConfProps>): void {
  const target = (out[type] ??= {});
  for (const [key, props] of Object.entries(keys)) target[key] = { ...(target[key] ?? {}), ...props };
}

function applyEnv(keys: Record<string, ConfProps>, env: NodeJS.ProcessEnv, prefix: string): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.slice(0, prefix.length).toUpperCase() !== prefix) continue;
    const parts = name.slice(prefix.length).split('__');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') continue;
    const confKey = findKey(keys, parts[0]!) ?? parts[0]!.toLowerCase();
    const props = (keys[confKey] ??= {});
    const prop = findKey(props, parts[1]!) ?? findKey(keys['default'] ?? {}, parts[1]!) ?? parts[1]!.toLowerCase();
    props[prop] = parseScalar(value);
  }
}

function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
