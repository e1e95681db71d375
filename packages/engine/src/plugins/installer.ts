import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@oort/sdk';
import { SDK_VERSION } from '@oort/sdk';
import type { PluginInstallRequest, PluginType } from '../api.js';
import { oortError } from '../errors.js';
import { fetchArchive, type FetchOptions } from './fetch-archive.js';
import { checkSdkCompat, parseManifest, type PluginManifest } from './manifest.js';
import { extractZip, type UnzipLimits } from './unzip.js';

export interface InstallerOptions extends Omit<FetchOptions, 'tmpDir'> {
  allowInstallScripts: boolean;
  unzipLimits?: UnzipLimits;
  /** Time allowed to install.sh (default 5 min). */
  installScriptTimeoutMs?: number;
  logger: Logger;
  /** The sdk version compatibility is checked against (tests pass another). */
  sdkVersion?: string;
}

/** An archive extracted and validated in a temporary folder, not yet in place. */
export interface StagedPlugin {
  tmpDir: string;
  manifest: PluginManifest;
  sha256: string;
}

/**
 * Turns an install request into a validated plugin folder. Everything happens in
 * `<dataDir>/plugins/.tmp-<rand>`; only `commit` moves it into
 * `<dataDir>/plugins/<type>/<name>/<version>/` with one rename, so a failure at any step
 * leaves nothing half-installed. No plugin code runs here except an allowed install.sh.
 */
export class Installer {
  readonly root: string;
  constructor(private readonly opts: InstallerOptions) {
    this.root = join(opts.dataDir, 'plugins');
  }

  async stage(type: PluginType, req: PluginInstallRequest): Promise<StagedPlugin> {
    await mkdir(this.root, { recursive: true });
    const archive = await fetchArchive(req.file, req.sha256, { ...this.opts, tmpDir: this.root });
    const tmpDir = join(this.root, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(tmpDir);
      const files = await extractZip(archive.path, tmpDir, this.opts.unzipLimits);
      const manifest = await this.readManifest(type, req, tmpDir, files);
      checkSdkCompat(manifest.sdk, this.opts.sdkVersion ?? SDK_VERSION, manifest.name);
      const entry = manifest.main ?? manifest.executable!;
      if (!isPlainRelative(entry) || !(await isFile(join(tmpDir, entry)))) {
        throw oortError('PLUGIN_ARCHIVE', `plugin ${req.name}: ${entry} named by the manifest is not in the archive`);
      }
      if (files.includes('install.sh')) await this.runInstallScript(tmpDir, req);
      return { tmpDir, manifest, sha256: archive.sha256 };
    } catch (err) {
      await rm(tmpDir, { recursive: true, force: true });
      throw err;
    } finally {
      await archive.cleanup();
    }
  }

  /** Reads `<name>.json` (or derives a manifest eKuiper style) from an extracted folder. */
  async readManifest(type: PluginType, req: Pick<PluginInstallRequest, 'name' | 'functions'>, dir: string, files: string[]): Promise<PluginManifest> {
    const name = req.name;
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    const rootFiles = files.filter((f) => !f.includes('/'));
    const jsonName = rootFiles.find((f) => f === `${name}.json`) ?? rootFiles.find((f) => f === `${cap}.json`);
    let raw: unknown;
    if (jsonName) {
      const text = await readFile(join(dir, jsonName), 'utf8');
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw oortError('PLUGIN', `plugin ${name}: ${jsonName} is not valid JSON: ${(err as Error).message}`);
      }
    } else if (type === 'portables') {
      throw oortError('PLUGIN_ARCHIVE', `plugin ${name}: the archive has no manifest ${name}.json`);
    }
    // eKuiper naming: Mysql@v1.0.0.js or mysql.js at the root.
    const mainRe = new RegExp(`^(${escapeRe(name)}|${escapeRe(cap)})(@v?([^/]+?))?\\.(m?js)$`);
    let mainFile: string | undefined;
    let fileVersion: string | undefined;
    for (const f of rootFiles) {
      const m = mainRe.exec(f);
      if (m) {
        mainFile = f;
        fileVersion = m[3];
        break;
      }
    }
    return parseManifest(raw, { name, type, mainFile, fileVersion, requestFunctions: req.functions });
  }

  private runInstallScript(dir: string, req: PluginInstallRequest): Promise<void> {
    if (!this.opts.allowInstallScripts) {
      return Promise.reject(
        oortError('PLUGIN', `plugin ${req.name} has an install.sh, but running install scripts is disabled (plugins.allowInstallScripts)`),
      );
    }
    const timeoutMs = this.opts.installScriptTimeoutMs ?? 300_000;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['install.sh', ...(req.shellParas ?? [])], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const keep = (b: Buffer) => {
        out = (out + b.toString()).slice(-2000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(oortError('PLUGIN', `plugin ${req.name}: install.sh could not run: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        this.opts.logger.error(`install.sh of plugin ${req.name} failed: ${out}`);
        reject(oortError('PLUGIN', `plugin ${req.name}: install.sh failed (${signal ?? `exit code ${code}`}): ${out.trim().slice(-500)}`));
      });
    });
  }

  /** Folder (relative to the plugins root) where a version lives. */
  versionDir(type: PluginType, name: string, version: string): string {
    return join(type, name, version);
  }

  /** Moves a staged plugin into place; returns its folder relative to the plugins root. */
  async commit(type: PluginType, staged: StagedPlugin): Promise<string> {
    const rel = this.versionDir(type, staged.manifest.name, staged.manifest.version);
    const target = join(this.root, rel);
    await mkdir(dirname(target), { recursive: true });
    // A leftover of an earlier failed run; records are the truth, not folders.
    if (existsSync(target)) await this.trash(rel);
    await rename(staged.tmpDir, target);
    return rel;
  }

  async discard(staged: StagedPlugin): Promise<void> {
    await rm(staged.tmpDir, { recursive: true, force: true });
  }

  /** Moves an installed folder out of the way; returns its new absolute path. */
  async trash(rel: string): Promise<string | undefined> {
    const to = join(this.root, `.trash-${randomBytes(6).toString('hex')}`);
    try {
      await rename(join(this.root, rel), to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return to;
  }

  /** Puts a trashed folder back (rollback of a failed update). */
  async restore(trashed: string, rel: string): Promise<void> {
    const target = join(this.root, rel);
    await mkdir(dirname(target), { recursive: true });
    await rename(trashed, target);
  }

  async remove(abs: string): Promise<void> {
    await rm(abs, { recursive: true, force: true });
  }

  /** Removes empty `<type>/<name>` folders left after the last version went away. */
  async pruneEmpty(type: PluginType, name: string): Promise<void> {
    const dir = join(this.root, type, name);
    try {
      if ((await readdir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }

  /** Startup: temp and trash folders are leftovers of a crash or of retired versions. */
  async cleanLeftovers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return;
    }
    await Promise.all(
      names.filter((n) => n.startsWith('.tmp-') || n.startsWith('.trash-')).map((n) => rm(join(this.root, n), { recursive: true, force: true })),
    );
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainRelative(p: string): boolean {
  return !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..');
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
