import { Worker } from 'node:worker_threads';
import type { Logger } from '@oort/sdk';
import { oortError } from '../../errors.js';
import type { BackoffOptions, LoadedPlugin, SchemaMap } from '../types.js';
import type { Declared } from './module-shape.js';
import { RemoteHost, type Transport, type TransportEvents } from './remote-host.js';
import { remotePlugin } from './remote-proxies.js';
import { SyncCaller } from './sync-caller.js';

export interface WorkerLoadOptions {
  main: string;
  rootPath: string;
  label: string;
  declared: Declared;
  schema: SchemaMap;
  logger: Logger;
  callTimeoutMs?: number;
  syncTimeoutMs?: number;
  initTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Heap ceiling of the worker, so a leaking plugin dies alone (default 256 MB). */
  maxHeapMb?: number;
}

const HOST_URL = new URL('./worker-host.js', import.meta.url);

/** Runs a plugin in its own worker thread, supervised by a RemoteHost. */
export async function loadInWorker(o: WorkerLoadOptions): Promise<LoadedPlugin> {
  const where = { main: o.main, rootPath: o.rootPath };
  const host = new RemoteHost({
    label: o.label,
    logger: o.logger,
    callTimeoutMs: o.callTimeoutMs,
    syncTimeoutMs: o.syncTimeoutMs,
    initTimeoutMs: o.initTimeoutMs,
    backoff: o.backoff,
    factory: (events) => workerTransport(where, o, events),
  });
  let ready;
  try {
    ready = await host.start();
  } catch (err) {
    throw oortError('PLUGIN', `${o.label} failed to load: ${(err as Error).message}`, err);
  }
  const plugin = remotePlugin(host, ready, o.schema, true);
  // A retired version's folder moves to the trash; restarts must import from there.
  plugin.relocate = (dir: string) => {
    where.main = o.main.startsWith(o.rootPath) ? dir + o.main.slice(o.rootPath.length) : o.main;
    where.rootPath = dir;
  };
  return plugin;
}

function workerTransport(where: { main: string; rootPath: string }, o: WorkerLoadOptions, events: TransportEvents): Transport {
  // The closure runs only after `w` exists (calls start once the worker is ready).
  const sync = new SyncCaller((m) => w.postMessage(m));
  const w = new Worker(HOST_URL, {
    workerData: { main: where.main, rootPath: where.rootPath, declared: o.declared, sync: sync.buffers },
    resourceLimits: { maxOldGenerationSizeMb: o.maxHeapMb ?? 256 },
    stdout: false,
    stderr: false,
  });
  let lastError: string | undefined;
  let exited = false;
  w.on('message', (m) => events.message(m));
  w.on('error', (err) => {
    lastError = err?.message ?? String(err);
  });
  w.on('exit', (code) => {
    exited = true;
    events.exit(lastError ? `crashed: ${lastError}` : `exited with code ${code}`);
  });
  // Do not keep the engine alive just for a plugin worker.
  w.unref();
  return {
    pid: undefined,
    send: (m) => w.postMessage(m),
    end: () => void w.terminate(),
    kill: () => void w.terminate(),
    // A worker known to be gone cannot answer: fail at once rather than wait the timeout.
    callSync: (m, timeoutMs) => (exited ? { ok: false, error: 'the worker has exited', retryable: true } : sync.call(m, timeoutMs)),
  };
}
