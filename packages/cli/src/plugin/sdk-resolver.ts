import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Where `@oort/sdk` comes from when bundling a project: the project's own copy if it has
 * one (its node_modules, or the workspace it sits in), otherwise the copy this CLI ships
 * with. The fallback lets a freshly scaffolded project build before `npm install`, and lets
 * tests build scaffolds in a temp folder.
 */
export function resolveSdk(projectDir: string, subpath = ''): string {
  const spec = `@oort/sdk${subpath}`;
  try {
    return createRequire(join(projectDir, 'package.json')).resolve(spec);
  } catch {
    return createRequire(import.meta.url).resolve(spec);
  }
}

/** esbuild plugin mapping `@oort/sdk` and `@oort/sdk/<sub>` through {@link resolveSdk}. */
export function sdkResolverPlugin(projectDir: string): Plugin {
  return {
    name: 'oort-sdk-resolver',
    setup(build) {
      build.onResolve({ filter: /^@oort\/sdk(\/.*)?$/ }, (args) => ({
        path: resolveSdk(projectDir, args.path.slice('@oort/sdk'.length)),
      }));
    },
  };
}

/** The sdk version this CLI would bundle, for manifests whose project pins none. */
export function bundledSdkVersion(projectDir: string): string {
  const entry = resolveSdk(projectDir);
  // entry is <pkg>/dist/index.js; the package.json sits one folder up.
  const req = createRequire(entry);
  return (req('../package.json') as { version: string }).version;
}
