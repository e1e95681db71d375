import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { buildPlugin } from './build.js';
import { loadPluginModule } from './load-module.js';
import { NAME_RE, type PluginManifest } from './manifest.js';
import type { PluginProject } from './project.js';
import { bundledSdkVersion } from './sdk-resolver.js';

/** Fixed entry time so that packing the same bundle twice gives the same sha256. */
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');

export interface PackResult {
  zipPath: string;
  sha256: string;
  manifest: PluginManifest;
  entries: string[];
}

/**
 * Builds the project, then writes `dist/<name>.zip` (or `out`) with the bundle, the manifest,
 * the optional `<name>.yaml`, `install.sh` and `etc/`, and `<zip>.sha256` beside it.
 * The manifest's symbols are taken from what the bundle really exports, its version from
 * package.json and its sdk range from the project's `@oort/sdk` dependency.
 */
export async function packPlugin(dir?: string, out?: string): Promise<PackResult> {
  const p = await buildPlugin(dir);
  const manifest = await makeManifest(p);
  const zipPath = out ?? p.zipPath;
  const zip = new yazl.ZipFile();
  const entries: string[] = [];
  const add = (buf: Buffer, name: string, mode?: number) => {
    zip.addBuffer(buf, name, { mtime: ZIP_MTIME, ...(mode ? { mode } : {}) });
    entries.push(name);
  };
  add(Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), `${p.name}.json`);
  add(readFileSync(p.bundlePath), `${p.name}.js`);
  for (const extra of [`${p.name}.yaml`, 'install.sh']) {
    const f = join(p.dir, extra);
    if (existsSync(f)) add(readFileSync(f), extra, extra === 'install.sh' ? 0o100755 : undefined);
  }
  const etc = join(p.dir, 'etc');
  if (existsSync(etc) && statSync(etc).isDirectory()) {
    const files = readdirSync(etc, { recursive: true, encoding: 'utf8' }).sort();
    for (const f of files) {
      const full = join(etc, f);
      if (statSync(full).isFile()) add(readFileSync(full), `etc/${relative(etc, full).split(sep).join('/')}`);
    }
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  const sha256 = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
  await writeFile(`${zipPath}.sha256`, `${sha256}  ${zipPath.split(sep).pop()}\n`);
  return { zipPath, sha256, manifest, entries };
}

/** The manifest to ship, checked against the bundle's exports. */
export async function makeManifest(p: PluginProject): Promise<PluginManifest> {
  const mod = await loadPluginModule(p.bundlePath);
  const sources = Object.keys(mod.sources ?? {});
  const sinks = Object.keys(mod.sinks ?? {});
  const functions = Object.keys(mod.functions ?? {});
  const declared = p.manifest;
  for (const [kind, list, exported] of [
    ['sources', declared.sources, sources],
    ['sinks', declared.sinks, sinks],
    ['functions', declared.functions, functions],
  ] as const) {
    const missing = (list ?? []).filter((s) => !exported.includes(s));
    if (missing.length) throw new Error(`${p.manifestPath} lists ${kind} ${missing.join(', ')} that src/index.ts does not export`);
  }
  const all = [...sources, ...sinks, ...functions];
  if (all.length === 0) throw new Error('the plugin exports no source, sink or function');
  const bad = all.filter((s) => !NAME_RE.test(s));
  if (bad.length) throw new Error(`symbol names must match ${NAME_RE}: ${bad.join(', ')}`);
  const schemas: Record<string, unknown> = {};
  for (const [n, def] of [...Object.entries(mod.sources ?? {}), ...Object.entries(mod.sinks ?? {})]) {
    if (def.schema) schemas[n] = def.schema;
  }
  const kinds: PluginManifest['kinds'] = [];
  if (sources.length) kinds.push('source');
  if (sinks.length) kinds.push('sink');
  if (functions.length) kinds.push('function');
  const manifest: PluginManifest = {
    name: p.name,
    version: p.pkg.version ?? declared.version ?? '0.0.0',
    sdk: sdkRange(p),
    kinds,
    sources,
    sinks,
    functions,
    isolation: declared.isolation ?? 'inprocess',
    main: `${p.name}.js`,
  };
  if (declared.description) manifest.description = declared.description;
  const aggregates = functions.filter((f) => mod.functions![f]!.type === 'aggregate');
  if (aggregates.length) manifest.aggregates = aggregates;
  if (Object.keys(schemas).length) manifest.schema = schemas;
  return manifest;
}

/** The range from package.json, unless it is a path or workspace link, which means "this sdk". */
function sdkRange(p: PluginProject): string {
  const dep = p.pkg.dependencies?.['@oort/sdk'] ?? p.pkg.devDependencies?.['@oort/sdk'];
  if (dep && /^[\^~>=<\d]/.test(dep)) return dep;
  return `^${bundledSdkVersion(p.dir)}`;
}
