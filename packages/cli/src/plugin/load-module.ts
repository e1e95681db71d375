import { pathToFileURL } from 'node:url';
import { statSync } from 'node:fs';
import type { PluginModule } from '@oort/sdk';

/**
 * Imports a built bundle and returns its default export. The URL carries the file's mtime
 * so a rebuilt bundle is imported afresh in the same process (tests build several times).
 */
export async function loadPluginModule(bundlePath: string): Promise<PluginModule> {
  const url = pathToFileURL(bundlePath);
  url.searchParams.set('t', String(statSync(bundlePath).mtimeMs));
  const mod = (await import(url.href)) as { default?: PluginModule };
  const p = mod.default;
  if (!p || typeof p !== 'object') throw new Error(`${bundlePath} has no default export: export default definePlugin({...})`);
  return p;
}
