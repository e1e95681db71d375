import { resolve } from 'node:path';
import { UsageError } from '../args.js';
import { applyPath, formatSummary } from '../apply.js';
import { OortClient } from '../client.js';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../command-context.js';

import type { RunningServer, StartServerOptions } from '@oort/server';

/** Loaded on demand: client commands should not pay for loading the server and engine. */
async function loadStartServer(): Promise<(opts: StartServerOptions) => Promise<RunningServer>> {
  try {
    return (await import('@oort/server')).startServer;
  } catch (err) {
    throw new CliError(`cannot load @oort/server: ${(err as Error).message}`);
  }
}

export function serverOptions(ctx: CommandContext): StartServerOptions {
  const v = ctx.args.values;
  const opts: StartServerOptions = { env: ctx.env, handleSignals: false };
  if (v['port'] !== undefined) {
    const port = Number(v['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port ${v['port']}`);
    opts.port = port;
  }
  if (v['host'] !== undefined) opts.host = v['host'];
  if (v['data-dir'] !== undefined) opts.dataDir = resolve(ctx.cwd, v['data-dir']);
  if (v['config'] !== undefined) opts.configFile = resolve(ctx.cwd, v['config']);
  if (v['etc-dir'] !== undefined) opts.etcDir = resolve(ctx.cwd, v['etc-dir']);
  return opts;
}

/**
 * `oort server`: start the REST server and keep running until SIGINT/SIGTERM, then close
 * it gracefully (a second signal exits at once, for a close that hangs). `--apply PATH` applies definitions once the server listens; failures are
 * reported but do not stop the server (a restart loop would not fix a bad file).
 */
export async function serverCommand(ctx: CommandContext): Promise<void> {
  const opts = serverOptions(ctx);
  const startServer = await loadStartServer();
  const server = await startServer(opts);
  ctx.io.out(`Oort server listening on ${server.url}`);
  // Listen for signals before applying, so Ctrl-C during a long apply still closes cleanly.
  const stopped = new Promise<void>((done) => {
    let closing = false;
    const stop = () => {
      if (closing) process.exit(1);
      closing = true;
      server.close().then(
        () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        },
        (err: unknown) => {
          ctx.io.err(`error while closing: ${(err as Error).message}`);
          process.exitCode = 1;
          done();
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

  const applyTarget = ctx.args.values['apply'];
  if (applyTarget !== undefined) {
    // A wildcard listen address is not something to connect to.
    const client = new OortClient(server.url.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1'));
    try {
      const summary = await applyPath(client, resolve(ctx.cwd, applyTarget));
      ctx.io.out(formatSummary(summary));
      if (summary.failed > 0) ctx.io.err(`apply: ${summary.failed} definition(s) could not be applied`);
    } catch (err) {
      ctx.io.err(`apply: ${(err as Error).message}`);
    }
  }

  await stopped;
}
