import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorDef, FunctionDef, Logger, Sink, Source } from '@oort/sdk';
import { SDK_VERSION } from '@oort/sdk';
import type { PluginApi, PluginInfo, PluginInstallRequest, PluginType } from '../api.js';
import { oortError } from '../errors.js';
import type { KVStore } from '../store/kv.js';
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, DEFAULT_MAX_DOWNLOAD_BYTES } from './fetch-archive.js';
import { Installer } from './installer.js';
import { checkSdkCompat, validatePluginName, type PluginManifest } from './manifest.js';
import { compareVersionText } from './semver.js';
import { loadInProcess } from './loaders/in-process.js';
import { loadInWorker } from './loaders/worker.js';
import { loadProcess } from './loaders/process.js';
import { sinkPropCollisions } from './sink-props.js';
import { readSourceConfFile, type SourceConfSections } from './source-confs.js';
import type { BackoffOptions, Isolation, LoadedPlugin, PluginRecord, PluginStatus, PortableStatus } from './types.js';

export const PLUGIN_TYPES: readonly PluginType[] = ['sources', 'sinks', 'functions', 'portables'];
/** KV namespace of installed plugin records, keyed `<type>/<name>`. */
export const PLUGINS_NS = 'plugins';

export interface PluginManagerConfig {
  allowInstallScripts?: boolean;
  allowExternalFileAccess?: boolean;
  enablePrivateNet?: boolean;
  restListensOnLoopbackOnly?: boolean;
  maxDownloadBytes?: number;
  downloadTimeoutMs?: number;
  /** Interpreter for `"language": "python"` plugins (default `python3`). */
  pythonBin?: string;
  /** Isolated plugins: a call not answered in this time fails with IOError (default 10 s). */
  callTimeoutMs?: number;
  /**
   * Isolated plugins: a SQL function call blocks the engine thread until answered, at most
   * this long (default 2 s); it then fails, and later calls fail at once until the plugin
   * answers a ping again or is restarted.
   */
  functionTimeoutMs?: number;
  /** Isolated plugins: time to send `ready` (eKuiper's portable.initTimeout, default 10 s). */
  initTimeoutMs?: number;
  backoff?: BackoffOptions;
  maxUnzippedBytes?: number;
  maxArchiveEntries?: number;
}

export interface PluginManagerOptions {
  dataDir: string;
  kv: KVStore;
  config?: PluginManagerConfig;
  logger: Logger;
  /** The sdk version plugins are checked against (default: this build's SDK_VERSION). */
  sdkVersion?: string;
}

export interface PluginChange {
  type: PluginType;
  name: string;
  action: 'installed' | 'updated' | 'deleted';
}

interface Entry {
  record: PluginRecord;
  loaded?: LoadedPlugin;
  loadError?: string;
}

type SymbolKind = 'sources' | 'sinks' | 'functions';

/**
 * Installs, loads, hot-swaps and removes plugins, and resolves the sources, sinks and
 * functions they provide. After `install`/`update` resolves, `resolve*` returns the new
 * version; after `remove` resolves, `undefined`. Instances created from an old version
 * keep working until closed (the rule manager moves rules at a safe point on `onChange`);
 * then the old version's runtime is stopped and its files deleted.
 */
export class PluginManager implements PluginApi {
  private readonly entries = new Map<string, Entry>();
  private readonly index: Record<SymbolKind, Map<string, string>> = { sources: new Map(), sinks: new Map(), functions: new Map() };
  private readonly listeners = new Set<(e: PluginChange) => void>();
  private readonly installer: Installer;
  private readonly cfg: PluginManagerConfig;
  private readonly sdkVersion: string;
  private queue: Promise<unknown> = Promise.resolve();
  /** Old versions still serving open instances; stopped on close(). */
  private readonly retiring = new Set<LoadedPlugin>();
  /** Install-time warnings by `<type>/<name>` (property collisions), shown in status. */
  private readonly warnings = new Map<string, string[]>();
  /** Parsed source conf files by path (a path includes the version folder, so updates miss). */
  private readonly confCache = new Map<string, SourceConfSections>();

  constructor(private readonly opts: PluginManagerOptions) {
    this.cfg = opts.config ?? {};
    this.sdkVersion = opts.sdkVersion ?? SDK_VERSION;
    this.installer = new Installer({
      dataDir: opts.dataDir,
      allowInstallScripts: this.cfg.allowInstallScripts ?? false,
      allowExternalFileAccess: this.cfg.allowExternalFileAccess ?? false,
      enablePrivateNet: this.cfg.enablePrivateNet ?? false,
      restListensOnLoopbackOnly: this.cfg.restListensOnLoopbackOnly ?? false,
      maxDownloadBytes: this.cfg.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
      downloadTimeoutMs: this.cfg.downloadTimeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
      unzipLimits: { maxTotalBytes: this.cfg.maxUnzippedBytes, maxEntries: this.cfg.maxArchiveEntries },
      logger: opts.logger,
      sdkVersion: this.sdkVersion,
    });
  }

  /** `<dataDir>/plugins`. */
  get root(): string {
    return this.installer.root;
  }

  /** Loads every installed plugin (KV records first, then folders without a record). */
  async init(): Promise<void> {
    await this.installer.cleanLeftovers();
    for (const [key, text] of this.opts.kv.entries(PLUGINS_NS)) {
      let rec: PluginRecord;
      try {
        rec = JSON.parse(text) as PluginRecord;
      } catch {
        this.opts.logger.error(`plugin record ${key} is not valid JSON; ignored`);
        continue;
      }
      const entry: Entry = { record: rec };
      this.entries.set(key, entry);
      try {
        checkSdkCompat(rec.sdk ?? '^1.0.0', this.sdkVersion, rec.name);
        entry.loaded = await this.load(rec);
      } catch (err) {
        entry.loadError = (err as Error).message;
        this.opts.logger.error(`plugin ${key} could not be loaded: ${entry.loadError}`);
      }
    }
    await this.adoptFolders();
    this.reindex();
  }

  /** Folders placed under `<dataDir>/plugins/<type>/<name>/<version>` by hand become plugins too. */
  private async adoptFolders(): Promise<void> {
    for (const type of PLUGIN_TYPES) {
      let names: string[];
      try {
        names = await readdir(join(this.root, type));
      } catch {
        continue;
      }
      for (const name of names) {
        if (this.entries.has(`${type}/${name}`)) continue;
        try {
          validatePluginName(name);
          const versions = (await readdir(join(this.root, type, name))).sort(compareVersionText);
          const version = versions.at(-1);
          if (!version) continue;
          const dir = join(type, name, version);
          const files = await readdir(join(this.root, dir));
          const manifest = await this.installer.readManifest(type, { name }, join(this.root, dir), files);
          checkSdkCompat(manifest.sdk, this.sdkVersion, name);
          const rec = this.recordOf(type, manifest, dir, undefined, undefined);
          const loaded = await this.load(rec);
          this.entries.set(`${type}/${name}`, { record: rec, loaded });
          this.opts.kv.set(PLUGINS_NS, `${type}/${name}`, JSON.stringify(rec));
          this.opts.logger.info(`adopted plugin folder ${dir}`);
        } catch (err) {
          this.opts.logger.error(`plugin folder ${type}/${name} ignored: ${(err as Error).message}`);
        }
      }
    }
  }

  install(type: PluginType, req: PluginInstallRequest): Promise<void> {
    return this.exclusive(async () => {
      checkType(type);
      checkRequest(req);
      const key = `${type}/${req.name}`;
      if (this.entries.has(key)) throw oortError('PLUGIN', `${type} plugin ${req.name} already exists; use PUT to update it`);
      await this.installNew(type, req, 'installed');
    });
  }

  update(type: PluginType, name: string, req: PluginInstallRequest): Promise<void> {
    return this.exclusive(async () => {
      checkType(type);
      req = { ...req, name: req.name ?? name };
      checkRequest(req);
      if (req.name !== name) throw oortError('BAD_REQUEST', `plugin name ${req.name} in the body does not match ${name} in the path`);
      const key = `${type}/${name}`;
      const old = this.entries.get(key);
      if (!old) return this.installNew(type, req, 'installed');

      const staged = await this.installer.stage(type, req);
      let trashed: string | undefined;
      let rel: string | undefined;
      try {
        this.checkClash(staged.manifest, key);
        const rec = this.recordOf(type, staged.manifest, this.installer.versionDir(type, name, staged.manifest.version), req, staged.sha256);
        // The old version's folder leaves first (its runtime follows it to the trash), so
        // reinstalling the same version number works.
        trashed = await this.installer.trash(old.record.dir);
        if (trashed) old.loaded?.relocate?.(trashed);
        rel = await this.installer.commit(type, staged);
        const loaded = await this.load(rec);
        this.entries.set(key, { record: rec, loaded });
        this.opts.kv.set(PLUGINS_NS, key, JSON.stringify(rec));
      } catch (err) {
        await this.installer.discard(staged);
        if (rel) await this.installer.remove(join(this.root, rel));
        if (trashed) {
          await this.installer.restore(trashed, old.record.dir);
          old.loaded?.relocate?.(join(this.root, old.record.dir));
        }
        throw err;
      }
      this.reindex();
      this.retire(old, trashed);
      this.emit({ type, name, action: 'updated' });
    });
  }

  remove(type: PluginType, name: string): Promise<void> {
    return this.exclusive(async () => {
      checkType(type);
      const key = `${type}/${name}`;
      const old = this.entries.get(key);
      if (!old) throw oortError('NOT_FOUND', `${type} plugin ${name} is not found`);
      const trashed = await this.installer.trash(old.record.dir);
      if (trashed) old.loaded?.relocate?.(trashed);
      this.entries.delete(key);
      this.warnings.delete(key);
      this.opts.kv.delete(PLUGINS_NS, key);
      this.reindex();
      await this.installer.pruneEmpty(type, name);
      this.retire(old, trashed);
      this.emit({ type, name, action: 'deleted' });
    });
  }

  list(type: PluginType): string[] | PluginInfo[] {
    checkType(type);
    const mine = [...this.entries.values()].filter((e) => e.record.type === type);
    if (type === 'portables') return mine.map((e) => this.info(e)).sort((a, b) => (a.name < b.name ? -1 : 1));
    return mine.map((e) => e.record.name).sort();
  }

  get(type: PluginType, name: string): PluginInfo {
    checkType(type);
    const e = this.entries.get(`${type}/${name}`);
    if (!e) throw oortError('NOT_FOUND', `${type} plugin ${name} is not found`);
    return this.info(e);
  }

  private info(e: Entry): PluginInfo {
    const r = e.record;
    if (r.type === 'portables') {
      const info = {
        name: r.name,
        version: r.version,
        language: r.language,
        executable: join(this.root, r.dir, r.file),
        sources: r.sources,
        sinks: r.sinks,
        functions: r.functions,
      };
      return info;
    }
    return r.type === 'functions' ? { name: r.name, version: r.version, functions: [...r.functions] } : { name: r.name, version: r.version };
  }

  udfs(): string[] {
    return [...this.entries.values()].filter((e) => e.record.type === 'functions' || e.record.type === 'portables').flatMap((e) => e.record.functions).sort();
  }

  udf(name: string): { name: string; plugin: string } {
    const key = this.index.functions.get(name.toLowerCase());
    const e = key === undefined ? undefined : this.entries.get(key);
    if (!e) throw oortError('NOT_FOUND', `function ${name} is not found in any plugin`);
    const sym = e.record.functions.find((f) => f.toLowerCase() === name.toLowerCase()) ?? name;
    return { name: sym, plugin: e.record.name };
  }

  /** Runtime health of a plugin (isolated ones restart with backoff; see HostStatus). */
  status(type: PluginType, name: string): PluginStatus {
    const e = this.entries.get(`${type}/${name}`);
    if (!e) throw oortError('NOT_FOUND', `${type} plugin ${name} is not found`);
    const refCount: Record<string, number> = {};
    for (const k of e.loaded?.openInstances?.() ?? []) {
      const rule = k.split('/')[0]!;
      refCount[rule] = (refCount[rule] ?? 0) + 1;
    }
    const base: Omit<PluginStatus, 'state' | 'restarts'> = { type, name, version: e.record.version, isolation: e.record.isolation, refCount };
    const warnings = this.warnings.get(`${type}/${name}`);
    if (warnings?.length) base.warnings = warnings;
    if (!e.loaded) return { ...base, state: 'failed', restarts: 0, lastError: e.loadError };
    return { ...base, ...e.loaded.status() };
  }

  /**
   * eKuiper's `GET /plugins/portables/{name}/status` body: `{refCount: {ruleId: n},
   * status: initializing | running | error | stop, errMsg}`. Works for any plugin type
   * (`type` defaults to portables); throws NOT_FOUND for an unknown plugin.
   */
  portableStatus(name: string, type: PluginType = 'portables'): PortableStatus {
    const st = this.status(type, name);
    const status =
      st.state === 'starting' ? 'initializing' : st.state === 'running' ? 'running' : st.state === 'stopped' ? 'stop' : 'error';
    return { refCount: st.refCount, status, errMsg: status === 'running' ? '' : (st.lastError ?? '') };
  }

  resolveSource(type: string): ConnectorDef<Source> | undefined {
    return this.resolve('sources', type, (l, s) => l.sources.get(s));
  }

  resolveSink(type: string): ConnectorDef<Sink> | undefined {
    return this.resolve('sinks', type, (l, s) => l.sinks.get(s));
  }

  /** Function names are case-insensitive, as in SQL. */
  resolveFunction(name: string): FunctionDef | undefined {
    return this.resolve('functions', name, (l, s) => l.functions.get(s));
  }

  /** Which plugin provides a symbol (for rule status after a delete). */
  providerOf(kind: SymbolKind, symbol: string): { type: PluginType; name: string; version: string } | undefined {
    const key = this.index[kind].get(symbol.toLowerCase());
    const r = key === undefined ? undefined : this.entries.get(key)?.record;
    return r && { type: r.type, name: r.name, version: r.version };
  }

  /** Listens to installs, updates and deletes; returns a function that stops listening. */
  onChange(listener: (e: PluginChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every isolated runtime (engine shutdown). */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      await Promise.all([...this.entries.values()].map((e) => e.loaded?.dispose()));
      await Promise.all([...this.retiring].map((l) => l.dispose()));
      this.retiring.clear();
    });
  }

  /**
   * Install folder of the plugin providing a symbol: the StreamContext `rootPath` of its
   * instances (where its `etc/` files are).
   */
  pluginDir(kind: SymbolKind, symbol: string): string | undefined {
    const key = this.index[kind].get(symbol.toLowerCase());
    const r = key === undefined ? undefined : this.entries.get(key)?.record;
    return r && join(this.root, r.dir);
  }

  /**
   * The source conf file (eKuiper's `<name>.yaml` with `default:` and named conf keys)
   * shipped with the plugin providing source `symbol`, if any: `<symbol>.yaml` at the
   * archive root, or `sources/<symbol>.yaml` as in eKuiper portable plugins.
   */
  sourceConfFile(symbol: string): string | undefined {
    const dir = this.pluginDir('sources', symbol);
    if (!dir) return undefined;
    const key = this.index.sources.get(symbol.toLowerCase())!;
    const rec = this.entries.get(key)!.record;
    const exact = rec.sources.find((s) => s.toLowerCase() === symbol.toLowerCase()) ?? symbol;
    const candidates = [join(dir, `${exact}.yaml`), join(dir, 'sources', `${exact}.yaml`), join(dir, `${rec.name}.yaml`)];
    return candidates.find((p) => existsSync(p));
  }

  /**
   * Conf keys shipped with the plugin providing source `type` (its `<name>.yaml`, see
   * {@link sourceConfFile}), parsed: `{default: {...}, <confKey>: {...}}`, or undefined when
   * no plugin provides the source or it ships no file. Meant as file defaults of that source
   * type, below the conf keys managed through REST. A broken file is logged and ignored.
   */
  sourceConfs(type: string): SourceConfSections | undefined {
    const file = this.sourceConfFile(type);
    if (!file) return undefined;
    let confs = this.confCache.get(file);
    if (!confs) {
      try {
        confs = readSourceConfFile(file);
      } catch (err) {
        this.opts.logger.warn((err as Error).message);
        return undefined;
      }
      this.confCache.set(file, confs);
    }
    // Callers may merge into what they get: hand out copies.
    const out: SourceConfSections = {};
    for (const [k, v] of Object.entries(confs)) out[k] = { ...v };
    return out;
  }

  private resolve<T>(kind: SymbolKind, symbol: string, pick: (l: LoadedPlugin, s: string) => T | undefined): T | undefined {
    const key = this.index[kind].get(symbol.toLowerCase());
    if (key === undefined) return undefined;
    const e = this.entries.get(key);
    if (!e?.loaded) return undefined;
    const exact = e.record[kind].find((s) => s === symbol) ?? e.record[kind].find((s) => s.toLowerCase() === symbol.toLowerCase());
    return exact === undefined ? undefined : pick(e.loaded, exact);
  }

  private async installNew(type: PluginType, req: PluginInstallRequest, action: 'installed'): Promise<void> {
    const key = `${type}/${req.name}`;
    const staged = await this.installer.stage(type, req);
    let rel: string | undefined;
    try {
      this.checkClash(staged.manifest, key);
      const rec = this.recordOf(type, staged.manifest, this.installer.versionDir(type, req.name, staged.manifest.version), req, staged.sha256);
      rel = await this.installer.commit(type, staged);
      const loaded = await this.load(rec);
      this.entries.set(key, { record: rec, loaded });
      this.opts.kv.set(PLUGINS_NS, key, JSON.stringify(rec));
    } catch (err) {
      await this.installer.discard(staged);
      if (rel) {
        await this.installer.remove(join(this.root, rel));
        await this.installer.pruneEmpty(type, req.name);
      }
      throw err;
    }
    this.reindex();
    this.emit({ type, name: req.name, action });
  }

  private recordOf(type: PluginType, m: PluginManifest, dir: string, req: PluginInstallRequest | undefined, sha256: string | undefined): PluginRecord {
    let isolation: Isolation = m.isolation ?? 'inprocess';
    if (m.language !== 'js') isolation = 'process';
    else if (req?.isolation === 'process') {
      throw oortError('PLUGIN', `plugin ${m.name} is a JavaScript module; it can run "inprocess" or in a "worker", not as a "process"`);
    } else if (req?.isolation) isolation = req.isolation;
    const rec: PluginRecord = {
      type,
      name: m.name,
      version: m.version,
      dir,
      file: m.main ?? m.executable!,
      isolation,
      sources: m.sources,
      sinks: m.sinks,
      functions: m.functions,
      language: m.language,
      sdk: m.sdk,
      installedAt: Date.now(),
    };
    if (m.aggregates.length) rec.aggregates = m.aggregates;
    if (Object.keys(m.schema).length) rec.schema = m.schema;
    if (sha256) rec.sha256 = sha256;
    if (req?.file) rec.source = redactUrl(req.file);
    return rec;
  }

  private async load(rec: PluginRecord): Promise<LoadedPlugin> {
    const loaded = await this.loadRuntime(rec);
    this.checkSinkProps(rec, loaded);
    return loaded;
  }

  /** Warns (log and status) about sink properties that collide with the engine's common ones. */
  private checkSinkProps(rec: PluginRecord, loaded: LoadedPlugin): void {
    const schema = { ...(rec.schema ?? {}) };
    for (const [name, def] of loaded.sinks) if (def.schema) schema[name] = def.schema;
    const warnings = sinkPropCollisions(rec.name, [...loaded.sinks.keys()], schema);
    const key = `${rec.type}/${rec.name}`;
    if (warnings.length) {
      this.warnings.set(key, warnings);
      for (const w of warnings) this.opts.logger.warn(w);
    } else this.warnings.delete(key);
  }

  private async loadRuntime(rec: PluginRecord): Promise<LoadedPlugin> {
    const dir = join(this.root, rec.dir);
    const label = `${rec.type} plugin ${rec.name}@${rec.version}`;
    const declared = { sources: rec.sources, sinks: rec.sinks, functions: rec.functions };
    const schema = rec.schema ?? {};
    const common = {
      label,
      schema,
      logger: this.opts.logger,
      callTimeoutMs: this.cfg.callTimeoutMs,
      syncTimeoutMs: this.cfg.functionTimeoutMs,
      initTimeoutMs: this.cfg.initTimeoutMs,
      backoff: this.cfg.backoff,
    };
    switch (rec.isolation) {
      case 'process':
        return loadProcess({
          ...common,
          dir,
          language: rec.language as 'python' | 'node' | 'binary',
          executable: rec.file,
          declared,
          aggregates: rec.aggregates ?? [],
          pythonBin: this.cfg.pythonBin,
        });
      case 'worker':
        return loadInWorker({ ...common, main: join(dir, rec.file), rootPath: dir, declared });
      default:
        return loadInProcess({ label, main: join(dir, rec.file), declared, schema, instanceTag: `${rec.version}-${rec.installedAt}`, rootPath: dir });
    }
  }

  private checkClash(m: PluginManifest, self: string): void {
    for (const kind of ['sources', 'sinks', 'functions'] as const) {
      for (const s of m[kind]) {
        const owner = this.index[kind].get(s.toLowerCase());
        if (owner !== undefined && owner !== self) {
          throw oortError('PLUGIN', `${kind.slice(0, -1)} ${s} of plugin ${m.name} is already provided by plugin ${owner}`);
        }
      }
    }
  }

  private reindex(): void {
    for (const kind of ['sources', 'sinks', 'functions'] as const) {
      this.index[kind].clear();
      for (const [key, e] of this.entries) for (const s of e.record[kind]) this.index[kind].set(s.toLowerCase(), key);
    }
  }

  /** The old version stops once its last instance closes; then its files go. */
  private retire(old: Entry, trashed: string | undefined): void {
    const drop = () => {
      if (trashed) void this.installer.remove(trashed);
    };
    const l = old.loaded;
    if (!l) return drop();
    this.retiring.add(l);
    l.retire(() => {
      this.retiring.delete(l);
      drop();
    });
  }

  private emit(e: PluginChange): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.opts.logger.error(`plugin change listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** One install/update/delete at a time: they move folders and swap the registry. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function checkType(type: string): asserts type is PluginType {
  if (!PLUGIN_TYPES.includes(type as PluginType)) {
    throw oortError('NOT_FOUND', `unknown plugin type ${type}: use sources, sinks, functions or portables`);
  }
}

function checkRequest(req: PluginInstallRequest): void {
  if (typeof req !== 'object' || req === null) throw oortError('BAD_REQUEST', 'the request body must be a JSON object');
  validatePluginName(req.name);
  if (typeof req.file !== 'string' || req.file === '') throw oortError('BAD_REQUEST', `plugin ${req.name}: "file" (a zip URL) is required`);
  if (req.isolation !== undefined && !['inprocess', 'worker', 'process'].includes(req.isolation)) {
    throw oortError('BAD_REQUEST', 'isolation must be inprocess, worker or process');
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.href;
  } catch {
    return url;
  }
}

