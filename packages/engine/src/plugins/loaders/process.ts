import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { isAbsolute, join } from 'node:path';
import { toJSON, type Logger } from '@oort/sdk';
import { oortError } from '../../errors.js';
import type { BackoffOptions, LoadedPlugin, SchemaMap } from '../types.js';
import { RemoteHost, type Transport, type TransportEvents } from './remote-host.js';
import { remotePlugin } from './remote-proxies.js';

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

const STDERR_TAIL = 5;

function processTransport(dir: string, o: ProcessLoadOptions, events: TransportEvents): Transport {
  const [cmd, args] = command(dir, o);
  const child = spawn(cmd, args, {
    cwd: dir,
    env: { ...process.env, OORT_PLUGIN_PROTOCOL: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let exited = false;
  const exit = (reason: string) => {
    if (exited) return;
    exited = true;
    events.exit(tail.length ? `${reason}: ${tail.join(' | ')}` : reason);
  };
  child.on('error', (err) => exit(`could not be started: ${err.message}`));
  child.on('exit', (code, signal) => exit(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  child.stdin.on('error', () => {}); // EPIPE after the process died; the exit event reports it
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      o.logger.warn(`${o.label} wrote a non-protocol line to stdout: ${line.slice(0, 200)}`);
      return;
    }
    if (typeof msg === 'object' && msg !== null) events.message(msg as Record<string, unknown>);
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL) tail.shift();
    o.logger.info(`${o.label} stderr: ${line}`);
  });
  return {
    pid: child.pid,
    send: (m) => {
      if (!child.stdin.writable) throw new Error('stdin is closed');
      child.stdin.write(toJSON(m) + '\n');
    },
    end: () => {
      child.stdin.end();
      // Protocol: the plugin exits on stdin EOF; insist if it does not.
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      t.unref();
      child.once('exit', () => clearTimeout(t));
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
