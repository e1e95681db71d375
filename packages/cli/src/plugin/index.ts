import { parseArgs } from 'node:util';
import { buildPlugin, buildUnitTests } from './build.js';
import { deployPlugin } from './deploy.js';
import { formatResults, readHarnessConfig, runContract } from './harness.js';
import { initPlugin } from './init.js';
import { loadPluginModule } from './load-module.js';
import { packPlugin } from './pack.js';

export { initPlugin } from './init.js';
export { buildPlugin } from './build.js';
export { packPlugin, type PackResult } from './pack.js';
export { deployPlugin, type DeployOptions, type DeployResult } from './deploy.js';
export { runContract, formatResults, type CheckResult, type HarnessConfig } from './harness.js';
export type { PluginManifest } from './manifest.js';

const USAGE = `usage: oort plugin <command> [options]

  init <source|sink|function> <name> [--dir D]   scaffold a TypeScript plugin project
  build [--dir D]                                 bundle src/index.ts into dist/<name>.js
  test  [--dir D] [--no-unit]                     build, run the contract checks and src/*.test.ts
  pack  [--dir D] [--out FILE]                    build and write dist/<name>.zip (+ .sha256)
  deploy --server URL [--dir D] [--name N] [--type sources|sinks|functions|portables]
         [--serve-host 127.0.0.1] [--zip FILE]   pack and install (or update) on a server`;

/** Output sinks, swappable in tests. */
export interface PluginCommandIO {
  out(line: string): void;
  err(line: string): void;
}

const consoleIO: PluginCommandIO = { out: (s) => console.log(s), err: (s) => console.error(s) };

/**
 * Entry point of `oort plugin ...`; `argv` is what follows `plugin`. Resolves to the
 * process exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runPluginCommand(['pack', '--dir', 'examples/plugins/mysql-sink']);
 * ```
 */
export async function runPluginCommand(argv: string[], io: PluginCommandIO = consoleIO): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        dir: { type: 'string', short: 'd' },
        out: { type: 'string', short: 'o' },
        server: { type: 'string', short: 's' },
        name: { type: 'string' },
        type: { type: 'string' },
        'serve-host': { type: 'string' },
        zip: { type: 'string' },
        'no-unit': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (!cmd || values.help || cmd === 'help') {
      io.out(USAGE);
      return cmd ? 0 : 2;
    }
    switch (cmd) {
      case 'init': {
        const [kind, name] = positionals;
        if (!kind || !name) throw new UsageError('init needs a kind and a name: oort plugin init sink mysql');
        const dir = initPlugin(kind, name, values.dir);
        io.out(`created ${kind} plugin ${name} in ${dir}\nnext: cd ${dir} && oort plugin test`);
        return 0;
      }
      case 'build': {
        const p = await buildPlugin(values.dir);
        io.out(`built ${p.bundlePath}`);
        return 0;
      }
      case 'pack': {
        const r = await packPlugin(values.dir, values.out);
        io.out(`packed ${r.zipPath} (${r.manifest.name} ${r.manifest.version}, sdk ${r.manifest.sdk})`);
        io.out(`sha256 ${r.sha256}`);
        return 0;
      }
      case 'test':
        return await testCommand(values.dir, !values['no-unit'], io);
      case 'deploy': {
        if (!values.server) throw new UsageError('deploy needs --server URL, e.g. --server http://127.0.0.1:9081');
        const r = await deployPlugin({
          dir: values.dir,
          server: values.server,
          name: values.name,
          type: values.type,
          serveHost: values['serve-host'],
          zip: values.zip,
          log: io.out,
        });
        io.out(`${r.status} ${r.body}`);
        return r.status >= 200 && r.status < 300 ? 0 : 1;
      }
      default:
        throw new UsageError(`unknown plugin command "${cmd}"`);
    }
  } catch (err) {
    io.err(`oort plugin ${cmd ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.err(USAGE);
    return err instanceof UsageError ? 2 : 1;
  }
}

class UsageError extends Error {}

async function testCommand(dir: string | undefined, unit: boolean, io: PluginCommandIO): Promise<number> {
  const p = await buildPlugin(dir);
  const mod = await loadPluginModule(p.bundlePath);
  const results = await runContract(mod, readHarnessConfig(p.dir), p.dir);
  io.out(`contract checks of ${p.bundlePath}`);
  io.out(formatResults(results));
  let failed = results.some((r) => !r.ok);
  if (unit) {
    const { runNodeTests } = await import('./unit-tests.js');
    const files = await buildUnitTests(p);
    if (files.length) {
      io.out(`unit tests: ${files.length} file(s)`);
      const code = await runNodeTests(files, p.dir, (s) => io.out(s.replace(/\n$/, '')));
      if (code !== 0) failed = true;
    }
  }
  io.out(failed ? 'FAILED' : 'OK');
  return failed ? 1 : 0;
}
