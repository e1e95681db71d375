import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NAME_RE, type PluginManifest } from './manifest.js';
import {
  TSCONFIG_TEMPLATE,
  harnessConfigTemplate,
  indexTemplate,
  packageJsonTemplate,
  readmeTemplate,
  testTemplate,
  type PluginKind,
} from './scaffold-templates.js';

const KINDS: readonly PluginKind[] = ['source', 'sink', 'function'];

/**
 * Scaffolds a plugin project in `dir` (default `./<name>`) and returns its path. Refuses to
 * write into a folder that already has files.
 */
export function initPlugin(kind: string, name: string, dir?: string): string {
  if (!KINDS.includes(kind as PluginKind)) throw new Error(`kind must be one of ${KINDS.join(', ')}, got "${kind}"`);
  if (!NAME_RE.test(name)) throw new Error(`plugin name must start with a letter and contain only letters, digits and _: "${name}"`);
  const k = kind as PluginKind;
  const root = resolve(dir ?? name);
  if (existsSync(root) && readdirSync(root).length > 0) throw new Error(`${root} is not empty`);
  mkdirSync(join(root, 'src'), { recursive: true });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const manifest: PluginManifest = {
    name,
    version: '1.0.0',
    sdk: '^1.0.0',
    kinds: [k],
    sources: k === 'source' ? [name] : [],
    sinks: k === 'sink' ? [name] : [],
    functions: k === 'function' ? [name] : [],
    isolation: 'inprocess',
    main: `${name}.js`,
  };
  const files: Record<string, string> = {
    'package.json': json(packageJsonTemplate(name)),
    'tsconfig.json': json(TSCONFIG_TEMPLATE),
    [`${name}.json`]: json(manifest),
    'oort-test.json': json(harnessConfigTemplate(k, name)),
    'README.md': readmeTemplate(k, name),
    '.gitignore': 'node_modules/\ndist/\n',
    'src/index.ts': indexTemplate(k, name),
    'src/index.test.ts': testTemplate(k, name),
  };
  if (k === 'source') files[`${name}.yaml`] = 'default:\n  interval: 1s\n  message: hello\n';
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f), text);
  return root;
}
