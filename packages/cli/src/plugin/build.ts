import { mkdir } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadProject, type PluginProject } from './project.js';
import { sdkResolverPlugin } from './sdk-resolver.js';

/**
 * CommonJS dependencies (mysql2 and most drivers) call `require('net')`; in an ES module
 * bundle there is no `require`, so the bundle makes one.
 */
const REQUIRE_SHIM =
  "import { createRequire as __oortCreateRequire } from 'node:module'; const require = __oortCreateRequire(import.meta.url);";

/** Shared esbuild options: one self-contained ES module for Node 20. */
function options(p: PluginProject) {
  return {
    bundle: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: 'node20',
    banner: { js: REQUIRE_SHIM },
    plugins: [sdkResolverPlugin(p.dir)],
    logLevel: 'silent' as const,
    legalComments: 'none' as const,
  };
}

/**
 * Bundles `src/index.ts` (and every dependency, `@oort/sdk` included) into `dist/<name>.js`.
 * The sdk is bundled too: the engine's contract is structural, so the plugin carries its
 * own copy of the helpers it uses and never shares module state with the server.
 */
export async function buildPlugin(dir?: string): Promise<PluginProject> {
  const p = loadProject(dir);
  const entry = ['index.ts', 'index.js', 'index.mts'].map((f) => join(p.dir, 'src', f)).find((f) => existsSync(f));
  if (!entry) throw new Error(`${p.dir}/src/index.ts not found`);
  await mkdir(p.distDir, { recursive: true });
  await build({ ...options(p), entryPoints: [entry], outfile: p.bundlePath });
  return p;
}

/**
 * Bundles each `src/**\/*.test.ts` into `dist/unit/*.test.bundle.mjs` so `node --test` can
 * run them without tsc. The names stay out of node's and the repo runner's test globs, which
 * run tsc's output instead.
 */
export async function buildUnitTests(p: PluginProject): Promise<string[]> {
  const src = join(p.dir, 'src');
  const tests = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.test\.(ts|mts|js)$/.test(f))
    .map((f) => join(src, f));
  if (tests.length === 0) return [];
  const outdir = join(p.distDir, 'unit');
  await build({ ...options(p), entryPoints: tests, outdir, outbase: src, outExtension: { '.js': '.bundle.mjs' } });
  return tests.map((t) => join(outdir, t.slice(src.length + 1).replace(/\.(ts|mts|js)$/, '.bundle.mjs')));
}
