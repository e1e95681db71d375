import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { OortError } from '../errors.js';
import { isDuration } from './duration.js';
import { type DeepPartial, DURATION_KEYS, ENUM_KEYS, type OortConfig, defaultConfig } from './oort-config.js';
import { parseScalar } from './scalar.js';

export interface LoadConfigOptions {
  /** YAML file with the `etc/oort.yaml` layout; an error if given and missing. */
  configFile?: string;
  /** Data directory; wins over every other source (it is the `--data-dir` flag). */
  dataDir?: string;
  /** Environment to read `OORT__…` / `KUIPER__…` overrides from; defaults to none. */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over the environment. */
  overrides?: DeepPartial<OortConfig>;
}

/** Environment prefixes, weakest first: eKuiper's for compatibility, then Oort's own. */
const ENV_PREFIXES = ['KUIPER__', 'OORT__'];

/**
 * Builds the effective configuration: defaults < YAML file < environment < overrides.
 * Keys are matched case-insensitively; unknown keys are ignored (as eKuiper does); a value of
 * the wrong type is an error naming the key and where it came from. `dataDir` is returned
 * as an absolute path.
 */
export function loadConfig(opts: LoadConfigOptions = {}): OortConfig {
  const config = defaultConfig() as unknown as Tree;
  if (opts.configFile !== undefined) {
    applyLayer(config, readYamlFile(opts.configFile), '', opts.configFile);
  }
  if (opts.env !== undefined) {
    for (const prefix of ENV_PREFIXES) applyLayer(config, envLayer(opts.env, prefix), '', `environment ${prefix}*`);
  }
  if (opts.overrides !== undefined) applyLayer(config, opts.overrides, '', 'overrides');
  if (opts.dataDir !== undefined) config['dataDir'] = opts.dataDir;
  const out = config as unknown as OortConfig;
  out.dataDir = resolve(out.dataDir);
  return out;
}

type Tree = Record<string, unknown>;

function readYamlFile(file: string): unknown {
  if (!existsSync(file)) throw new OortError('GENERAL', `configuration file ${file} not found`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OortError('GENERAL', `configuration file ${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) throw new OortError('GENERAL', `configuration file ${file} must hold a map of sections`);
  return doc;
}

/** `OORT__BASIC__RESTPORT=9082` → `{ BASIC: { RESTPORT: 9082 } }`; matching is case-insensitive later. */
function envLayer(env: NodeJS.ProcessEnv, prefix: string): Tree {
  const layer: Tree = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.length <= prefix.length) continue;
    if (name.slice(0, prefix.length).toUpperCase() !== prefix) continue;
    const parts = name.slice(prefix.length).split('__');
    if (parts.some((p) => p === '')) continue;
    let node = layer;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (isTree(next)) node = next;
      else node = node[part] = {};
    }
    node[parts[parts.length - 1]!] = parseScalar(value);
  }
  return layer;
}

function applyLayer(target: Tree, layer: unknown, path: string, source: string): void {
  if (!isTree(layer)) throw invalid(source, path || '(root)', 'must be a map', layer);
  for (const [rawKey, value] of Object.entries(layer)) {
    const key = matchKey(target, rawKey);
    if (key === undefined) continue;
    const keyPath = path === '' ? key : `${path}.${key}`;
    const current = target[key];
    if (isTree(current)) {
      if (value === null || value === undefined) continue;
      applyLayer(current, value, keyPath, source);
    } else {
      if (value === null || value === undefined) continue;
      target[key] = coerceLeaf(keyPath, current, value, source);
    }
  }
}

function matchKey(target: Tree, key: string): string | undefined {
  if (Object.hasOwn(target, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(target).find((k) => k.toLowerCase() === lower);
}

function coerceLeaf(path: string, current: unknown, value: unknown, source: string): unknown {
  let out: unknown;
  if (DURATION_KEYS.has(path)) {
    if (!isDuration(value)) throw invalid(source, path, 'must be a duration such as "300s" or a number of milliseconds', value);
    out = value;
  } else if (typeof current === 'number') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(source, path, 'must be a number', value);
    out = n;
  } else if (typeof current === 'boolean') {
    if (typeof value === 'boolean') out = value;
    else if (value === 'true' || value === 'false') out = value === 'true';
    else throw invalid(source, path, 'must be true or false', value);
  } else if (typeof current === 'string') {
    if (typeof value === 'string') out = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out = String(value);
    else throw invalid(source, path, 'must be a string', value);
  } else {
    out = value;
  }
  const allowed = ENUM_KEYS[path];
  if (allowed !== undefined && !allowed.includes(out as string | number)) {
    throw invalid(source, path, `must be one of ${allowed.join(', ')}`, value);
  }
  return out;
}

function invalid(source: string, path: string, what: string, value: unknown): OortError {
  return new OortError('GENERAL', `invalid configuration in ${source}: ${path} ${what}, got ${JSON.stringify(value)}`);
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
