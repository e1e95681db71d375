import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PluginManifest } from './manifest.js';

/** A plugin project on disk as the dev kit sees it. */
export interface PluginProject {
  dir: string;
  name: string;
  manifestPath: string;
  manifest: PluginManifest;
  pkg: { name?: string; version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  distDir: string;
  /** `dist/<name>.js` */
  bundlePath: string;
  /** `dist/<name>.zip` */
  zipPath: string;
}

const NOT_MANIFESTS = new Set(['package.json', 'package-lock.json', 'oort-test.json']);

/**
 * Finds the project's manifest: the `<name>.json` at the root whose `name` is `<name>`.
 * Throws with a message the CLI prints as is.
 */
export function loadProject(dirArg: string | undefined): PluginProject {
  const dir = resolve(dirArg ?? '.');
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) throw new Error(`${dir} is not a plugin project: package.json not found (run "oort plugin init" first)`);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PluginProject['pkg'];
  let found: { path: string; manifest: PluginManifest } | undefined;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json') || NOT_MANIFESTS.has(f) || f.startsWith('tsconfig')) continue;
    let m: PluginManifest;
    try {
      m = JSON.parse(readFileSync(join(dir, f), 'utf8')) as PluginManifest;
    } catch {
      continue;
    }
    if (m && typeof m === 'object' && m.name === f.slice(0, -5)) {
      found = { path: join(dir, f), manifest: m };
      break;
    }
  }
  if (!found) throw new Error(`${dir} has no plugin manifest: expected <name>.json with "name": "<name>" next to package.json`);
  const name = found.manifest.name;
  const distDir = join(dir, 'dist');
  return {
    dir,
    name,
    manifestPath: found.path,
    manifest: found.manifest,
    pkg,
    distDir,
    bundlePath: join(distDir, `${name}.js`),
    zipPath: join(distDir, `${name}.zip`),
  };
}
