import { SDK_VERSION } from '@oort/sdk';
import { oortError } from '../errors.js';
import type { PluginType } from '../api.js';
import { isValidRange, parseVersion, satisfies } from './semver.js';
import type { Isolation, SchemaMap } from './types.js';

export type PluginKind = 'source' | 'sink' | 'function';
export type PluginLanguage = 'js' | 'python' | 'node' | 'binary';

/** A validated manifest, normalised from Oort's or eKuiper's portable shape. */
export interface PluginManifest {
  name: string;
  /** Without a leading `v`. */
  version: string;
  /** The @oort/sdk range the plugin was built for. */
  sdk: string;
  kinds: PluginKind[];
  sources: string[];
  sinks: string[];
  functions: string[];
  /** Function symbols that are aggregates (external-process plugins cannot say so otherwise). */
  aggregates: string[];
  isolation?: Isolation;
  /** Bundled ES module (JS plugins), relative to the archive root. */
  main?: string;
  language: PluginLanguage;
  /** External-process plugins: the program to start. */
  executable?: string;
  schema: SchemaMap;
}

const NAME_RE = /^[a-zA-Z0-9_-]+$/;
const SYMBOL_RE = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/** Plugin and symbol names follow eKuiper's id rule. */
export function validatePluginName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw oortError('BAD_REQUEST', `invalid plugin name ${JSON.stringify(name)}: use letters, digits, _ and -`);
  }
  return name;
}

export interface ManifestContext {
  /** The name given in the install request. */
  name: string;
  type: PluginType;
  /** Version found in the main file name (`Mysql@v1.0.0.js`), if any. */
  fileVersion?: string;
  /** Main file found in the archive, used when the manifest names none. */
  mainFile?: string;
  /** Function list given in the install request (eKuiper's `functions`). */
  requestFunctions?: string[];
}

/**
 * Parses and validates a manifest. `raw` is the parsed JSON of `<name>.json`, or undefined
 * when the archive has none (then everything is derived from the request, eKuiper style).
 */
export function parseManifest(raw: unknown, cx: ManifestContext): PluginManifest {
  const fail = (msg: string) => oortError('PLUGIN', `plugin ${cx.name}: invalid manifest: ${msg}`);
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw fail('must be a JSON object');
  const m = (raw ?? {}) as Record<string, unknown>;

  if (m.name !== undefined && m.name !== cx.name) {
    throw fail(`name ${JSON.stringify(m.name)} does not match the plugin name ${cx.name}`);
  }
  const rawVersion = m.version === undefined ? cx.fileVersion : m.version;
  if (rawVersion !== undefined && typeof rawVersion !== 'string') throw fail('version must be a string');
  const version = (rawVersion ?? '0.0.0').replace(/^v/, '');
  if (!parseVersion(version)) throw fail(`version ${JSON.stringify(version)} is not a semantic version such as 1.0.0`);

  const list = (key: string): string[] => {
    const v = m[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && SYMBOL_RE.test(s))) {
      throw fail(`${key} must be a list of symbol names`);
    }
    return [...new Set(v as string[])];
  };
  let sources = list('sources');
  let sinks = list('sinks');
  let functions = list('functions');
  const aggregates = list('aggregates');

  let language: PluginLanguage = 'js';
  if (m.language !== undefined) {
    if (m.language === 'python' || m.language === 'node' || m.language === 'binary') language = m.language;
    else if (m.language === 'go') language = 'binary';
    else if (m.language === 'js' || m.language === 'javascript') language = 'js';
    else throw fail(`language must be python, node or binary, not ${JSON.stringify(m.language)}`);
  }
  if (cx.type === 'portables' && language === 'js') {
    throw fail('a portable plugin needs "language": "python" | "node" | "binary" and an "executable"');
  }
  let executable: string | undefined;
  if (language !== 'js') {
    if (typeof m.executable !== 'string' || m.executable === '') throw fail('"executable" is required for external-process plugins');
    executable = m.executable;
  }

  // Without symbol lists, a native-style plugin exposes the symbol named like the plugin.
  if (sources.length + sinks.length + functions.length === 0) {
    if (cx.type === 'sources') sources = [cx.name];
    else if (cx.type === 'sinks') sinks = [cx.name];
    else if (cx.type === 'functions') functions = cx.requestFunctions?.length ? [...cx.requestFunctions] : [cx.name];
    else throw fail('a portable plugin must declare at least one of sources, sinks, functions');
  }
  if (cx.type === 'sources' && sources.length === 0) throw fail('a source plugin must declare sources');
  if (cx.type === 'sinks' && sinks.length === 0) throw fail('a sink plugin must declare sinks');
  if (cx.type === 'functions' && functions.length === 0) throw fail('a function plugin must declare functions');
  // Native types register only the symbols of their own kind, so lists stay unambiguous.
  if (cx.type === 'sources') (sinks = []), (functions = []);
  if (cx.type === 'sinks') (sources = []), (functions = []);
  if (cx.type === 'functions') (sources = []), (sinks = []);

  const kinds: PluginKind[] = [];
  if (sources.length) kinds.push('source');
  if (sinks.length) kinds.push('sink');
  if (functions.length) kinds.push('function');

  let sdk = m.sdk;
  if (sdk === undefined) sdk = `^${SDK_VERSION.split('.')[0]}.0.0`;
  if (typeof sdk !== 'string' || !isValidRange(sdk)) throw fail(`sdk must be a version range such as ^1.0.0, not ${JSON.stringify(sdk)}`);

  let isolation: Isolation | undefined;
  if (m.isolation !== undefined) {
    if (m.isolation !== 'inprocess' && m.isolation !== 'worker' && m.isolation !== 'process') {
      throw fail('isolation must be inprocess, worker or process');
    }
    isolation = m.isolation;
  }
  if (language !== 'js') isolation = 'process';
  else if (isolation === 'process') throw fail('isolation "process" needs an external-process plugin (language and executable)');

  let main: string | undefined;
  if (language === 'js') {
    const rawMain = m.main === undefined ? cx.mainFile : m.main;
    if (typeof rawMain !== 'string' || rawMain === '') throw fail(`no main module: add "main" or a file ${cx.name}.js at the archive root`);
    main = rawMain;
  }

  const schema = (m.schema ?? {}) as SchemaMap;
  if (typeof schema !== 'object' || Array.isArray(schema)) throw fail('schema must map symbol names to config schemas');

  return { name: cx.name, version, sdk, kinds, sources, sinks, functions, aggregates, isolation, main, language, executable, schema };
}

/**
 * Refuses a plugin built for an sdk range that does not include this server's sdk.
 * Called before any plugin code is imported or started.
 */
export function checkSdkCompat(range: string, serverVersion: string = SDK_VERSION, pluginName = 'plugin'): void {
  if (!satisfies(serverVersion, range)) {
    throw oortError(
      'PLUGIN_INCOMPATIBLE',
      `plugin ${pluginName} needs @oort/sdk ${range} but this server provides ${serverVersion}`,
    );
  }
}
