import { isAbsolute, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@oort/sdk';
import { oortError } from '../../errors.js';
import type { BackoffOptions, LoadedPlugin, SchemaMap } from '../types.js';
import { RemoteHost, type Transport, type TransportEvents } from './remote-host.js';
import { remotePlugin } from './remote-proxies.js';
import { SyncCaller } from './sync-caller.js';

export interface ProcessLoadOptions {
  /** Install folder: the process's cwd. */
  dir: string;
  language: 'python' | 'node' | 'binary';
  executable: string;
  label: string;
  /** Symbols the manifest declares; the `ready` message must offer them all. */
  declared: { sources: string[]; sinks: string[]; functions: string[] };
  aggregates: string[];
  schema: SchemaMap;
  logger: Logger;
  pythonBin?: string;
  callTimeoutMs?: number;
  syncTimeoutMs?: number;
  initTimeoutMs?: number;
  backoff?: BackoffOptions;
}

/** Starts an external-process plugin (JSON lines over stdio) and supervises it. */
export async function loadProcess(o: ProcessLoadOptions): Promise<LoadedPlugin> {
  const where = { dir: o.dir };
  const host = new RemoteHost({
    label: o.label,
    logger: o.logger,
    callTimeoutMs: o.callTimeoutMs,
    syncTimeoutMs: o.syncTimeoutMs,
    initTimeoutMs: o.initTimeoutMs,
    backoff: o.backoff,
    factory: (events) => processTransport(where.dir, o, events),
  });
  let ready;
  try {
    ready = await host.start();
  } catch (err) {
    throw oortError('PLUGIN', `${o.label} failed to start: ${(err as Error).message}`, err);
  }
  const missing = [
    ...o.declared.sources.filter((s) => !ready.sources.includes(s)).map((s) => `source ${s}`),
    ...o.declared.sinks.filter((s) => !ready.sinks.includes(s)).map((s) => `sink ${s}`),
    ...o.declared.functions.filter((s) => !ready.functions.includes(s)).map((s) => `function ${s}`),
  ];
  if (missing.length) {
    await host.dispose();
    throw oortError('PLUGIN', `${o.label}: the process does not offer the declared ${missing.join(', ')}`);
  }
  // Only what the manifest declares is registered, whatever else the process offers.
  const offered = { ...o.declared, aggregates: [...new Set([...o.aggregates, ...(ready.aggregates ?? [])])] };
  const plugin = remotePlugin(host, offered, o.schema, false);
  plugin.relocate = (dir: string) => {
    where.dir = dir;
  };
  return plugin;
}

function command(dir: string, o: ProcessLoadOptions): [string, string[]] {
  const exe = isAbsolute(o.executable) ? o.executable : join(dir, o.executable);
  switch (o.language) {
    case 'python':
      return [o.pythonBin ?? 'python3', ['-u', exe]];
    case 'node':
      return [process.execPath, [exe]];
    default:
      return [exe, []];
  }
}

const RELAY_URL = new URL('./process-relay.js', import.meta.url);

/**
 * The child process lives in a relay worker (process-relay.ts), so synchronous calls can
 * be answered while this thread is blocked waiting for them.
 */
function processTransport(dir: string, o: ProcessLoadOptions, events: TransportEvents): Transport {
  const [cmd, args] = command(dir, o);
  // The closure runs only after `w` exists.
  const sync = new SyncCaller((m) => w.postMessage(m));
  const w = new Worker(RELAY_URL, { workerData: { cmd, args, cwd: dir, sync: sync.buffers }, stdout: false, stderr: false });
  let pid: number | undefined;
  let exited = false;
  const exit = (reason: string) => {
    if (exited) return;
    exited = true;
    events.exit(reason);
    void w.terminate();
  };
  w.on('message', (m: Record<string, unknown>) => {
    switch (m.__relay) {
      case undefined:
        return events.message(m);
      case 'pid':
        pid = m.pid as number | undefined;
        return;
      case 'stderr':
        return o.logger.info(`${o.label} stderr: ${String(m.line)}`);
      case 'junk':
        return o.logger.warn(`${o.label} wrote a non-protocol line to stdout: ${String(m.line)}`);
      case 'exit':
        return exit(String(m.reason));
    }
  });
  w.on('error', (err) => exit(`relay failed: ${err?.message ?? String(err)}`));
  w.on('exit', () => exit('relay stopped'));
  // Do not keep the engine alive just for a plugin (the child exits on stdin EOF).
  w.unref();
  return {
    get pid() {
      return pid;
    },
    send: (m) => {
      if (exited) throw new Error('the process has exited');
      w.postMessage(m);
    },
    end: () => w.postMessage({ __relay: 'end' }),
    kill: () => w.postMessage({ __relay: 'kill' }),
    callSync: (m, timeoutMs) => (exited ? { ok: false, error: 'the process has exited', retryable: true } : sync.call(m, timeoutMs)),
  };
}
