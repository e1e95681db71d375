import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Io } from '../command-context.js';

type RunPluginCommand = (argv: string[], io?: Io) => Promise<number>;

/**
 * `oort plugin ...` belongs to the plugin dev kit (src/plugin/). It is loaded on demand so
 * the rest of the CLI works, and says so clearly, when the kit is not part of the build.
 */
export async function pluginKitCommand(argv: string[], io: Io): Promise<number> {
  const url = new URL('../plugin/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    io.err('the plugin dev kit is not available in this build of oort');
    return 1;
  }
  const mod = (await import(url.href)) as { runPluginCommand?: RunPluginCommand };
  if (typeof mod.runPluginCommand !== 'function') {
    io.err('the plugin dev kit does not export runPluginCommand');
    return 1;
  }
  return mod.runPluginCommand(argv, io);
}
