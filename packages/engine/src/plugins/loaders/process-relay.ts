/**
 * Entry of the relay worker of an external-process plugin. The relay owns the child
 * process: it writes the engine's requests to its stdin as JSON lines and posts every
 * line the child writes back to the engine thread. It exists for SQL functions: while the
 * engine thread is blocked in a synchronous call (sync-caller.ts) it cannot read the
 * child's stdout, so the relay reads it and publishes that call's reply in shared memory.
 *
 * Messages to the engine: protocol messages as they are, plus `{__relay: 'pid' | 'stderr'
 * | 'junk' | 'exit', ...}`. From the engine: protocol requests (with `sync: seq` when the
 * engine is blocked on them), RESEND, and `{__relay: 'end' | 'kill'}`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { toJSON } from '@oort/sdk';
import { RESEND, SyncResponder, type SyncBuffers } from './sync-responder.js';

interface RelayInput {
  cmd: string;
  args: string[];
  cwd: string;
  sync: SyncBuffers;
}

type Msg = Record<string, any>;

const STDERR_TAIL = 5;
const port = parentPort!;
const input = workerData as RelayInput;
const replies = new SyncResponder(input.sync);
/** The request the engine thread is blocked on, if any (at most one: it is blocked). */
let syncId: unknown;
let syncSeq = 0;

const child = spawn(input.cmd, input.args, {
  cwd: input.cwd,
  env: { ...process.env, OORT_PLUGIN_PROTOCOL: '1' },
  stdio: ['pipe', 'pipe', 'pipe'],
});
port.postMessage({ __relay: 'pid', pid: child.pid });

const tail: string[] = [];
let exited = false;

function failSync(reason: string): void {
  if (syncId === undefined) return;
  syncId = undefined;
  replies.reply(syncSeq, { ok: false, error: reason, retryable: true });
}

function exit(reason: string): void {
  if (exited) return;
  exited = true;
  const full = tail.length ? `${reason}: ${tail.join(' | ')}` : reason;
  failSync(`the process ${full}`);
  port.postMessage({ __relay: 'exit', reason: full });
}

child.on('error', (err) => exit(`could not be started: ${err.message}`));
child.on('exit', (code, signal) => exit(signal ? `was killed by ${signal}` : `exited with code ${code}`));
child.stdin.on('error', () => {}); // EPIPE after the process died; the exit event reports it

createInterface({ input: child.stdout }).on('line', (line) => {
  if (line.trim() === '') return;
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    port.postMessage({ __relay: 'junk', line: line.slice(0, 200) });
    return;
  }
  if (typeof msg !== 'object' || msg === null) return;
  const m = msg as Msg;
  if (syncId !== undefined && m.type === 'result' && m.id === syncId) {
    syncId = undefined;
    replies.reply(syncSeq, { ok: m.ok === true, value: m.value, error: m.error, retryable: m.retryable === true, errorName: m.errorName });
    return;
  }
  port.postMessage(m);
});

createInterface({ input: child.stderr }).on('line', (line) => {
  tail.push(line);
  if (tail.length > STDERR_TAIL) tail.shift();
  port.postMessage({ __relay: 'stderr', line });
});

port.on('message', (m: Msg) => {
  switch (m.__relay) {
    case 'end': {
      child.stdin.end();
      // Protocol: the plugin exits on stdin EOF; insist if it does not.
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => clearTimeout(t));
      return;
    }
    case 'kill':
      child.kill('SIGKILL');
      return;
  }
  if (m.sync !== undefined) {
    if (m.type === RESEND) return replies.resend(m.data, m.sync);
    replies.begin(m.sync);
    syncId = m.id;
    syncSeq = m.sync;
    delete m.sync;
    if (exited || !child.stdin.writable) return failSync('the process is not running');
  }
  child.stdin.write(toJSON(m) + '\n');
});
