/**
 * Entry of a plugin worker thread. Imports the plugin module, announces what it provides
 * with a `ready` message and then serves the engine's requests (the same messages as the
 * external-process protocol, carried by postMessage so values keep their types).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { FunctionDef, PluginModule, Sink, Source, StreamContext } from '@oort/sdk';
import { pluginModuleOf, resolveDeclared, type Declared, type ResolvedSymbols } from './module-shape.js';
import { RESEND, SyncResponder, type SyncBuffers } from './sync-responder.js';
import { SystemClock } from '../../runtime/clock.js';

interface WorkerInput {
  main: string;
  rootPath: string;
  declared: Declared;
  /** Shared memory for synchronous calls (SQL functions); see sync-caller.ts. */
  sync: SyncBuffers;
}

type Msg = Record<string, any>;

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (m: Msg) => port.postMessage(m);
const syncReplies = new SyncResponder(input.sync);
/** The synchronous call being served, if any: answered with an error if the worker dies. */
let syncInFlight = 0;
process.on('exit', (code) => {
  if (syncInFlight) syncReplies.reply(syncInFlight, { ok: false, error: `the worker exited with code ${code}`, retryable: true });
});

const clock = new SystemClock();

const logger = {
  debug: (msg: string, ...a: unknown[]) => post({ type: 'log', level: 'debug', msg: fmt(msg, a) }),
  info: (msg: string, ...a: unknown[]) => post({ type: 'log', level: 'info', msg: fmt(msg, a) }),
  warn: (msg: string, ...a: unknown[]) => post({ type: 'log', level: 'warn', msg: fmt(msg, a) }),
  error: (msg: string, ...a: unknown[]) => post({ type: 'log', level: 'error', msg: fmt(msg, a) }),
};

function fmt(msg: string, args: unknown[]): string {
  return args.length ? `${msg} ${args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ')}` : msg;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return String(v);
  }
}

interface Open {
  kind: 'source' | 'sink';
  obj: Source | Sink;
  ctx: StreamContext & { abort: AbortController };
  pullTimer?: NodeJS.Timeout;
  /** Collects of one sink run one after another even when the engine pipelines them. */
  chain?: Promise<void>;
}

const instances = new Map<string, Open>();

function makeCtx(ids: { ruleId?: string; opId?: string; instanceId?: number } | undefined): StreamContext & { abort: AbortController } {
  const state = new Map<string, unknown>();
  const abort = new AbortController();
  return {
    ruleId: ids?.ruleId ?? '',
    opId: ids?.opId ?? '',
    instanceId: ids?.instanceId ?? 0,
    logger,
    clock,
    state: {
      get: <T>(k: string) => state.get(k) as T | undefined,
      put: (k: string, v: unknown) => void state.set(k, v),
      delete: (k: string) => void state.delete(k),
    },
    signal: abort.signal,
    rootPath: input.rootPath,
    abort,
  };
}

async function main(): Promise<void> {
  const ns = (await import(pathToFileURL(input.main).href)) as Record<string, unknown>;
  const mod = pluginModuleOf(ns);
  if (typeof mod === 'string') throw new Error(mod);
  const syms = resolveDeclared(mod as PluginModule, input.declared);
  if (typeof syms === 'string') throw new Error(syms);
  const sinkKinds: Record<string, string> = {};
  for (const [name, def] of syms.sinks) sinkKinds[name] = def.create().kind;
  const schemas: Record<string, unknown> = {};
  for (const [name, def] of [...syms.sources, ...syms.sinks]) if (def.schema) schemas[name] = def.schema;
  const aggregates = [...syms.functions].filter(([, f]) => f.type === 'aggregate').map(([n]) => n);
  port.on('message', (m: Msg) => {
    if (m.sync === undefined) void serve(syms, m);
    else if (m.type === RESEND) syncReplies.resend(m.data, m.sync);
    else void serveSync(syms, m);
  });
  post({
    type: 'ready',
    protocol: 1,
    sources: [...syms.sources.keys()],
    sinks: [...syms.sinks.keys()],
    functions: [...syms.functions.keys()],
    sinkKinds,
    aggregates,
    schemas,
    collectsInOrder: true,
  });
}

async function serve(syms: ResolvedSymbols, m: Msg): Promise<void> {
  try {
    const value = await handle(syms, m);
    post({ id: m.id, type: 'result', ok: true, value });
  } catch (err) {
    const e = err as { message?: string; retryable?: boolean; name?: string };
    post({ id: m.id, type: 'result', ok: false, error: e?.message ?? String(err), retryable: e?.retryable === true, errorName: e?.name });
  }
}

/** A request the engine thread is blocked on: the reply goes through shared memory. */
async function serveSync(syms: ResolvedSymbols, m: Msg): Promise<void> {
  const seq: number = m.sync;
  syncReplies.begin(seq);
  syncInFlight = seq;
  try {
    let value = handle(syms, m);
    if (value instanceof Promise) value = await value;
    syncReplies.reply(seq, { ok: true, value });
  } catch (err) {
    const e = err as { message?: string; retryable?: boolean; name?: string };
    syncReplies.reply(seq, { ok: false, error: e?.message ?? String(err), retryable: e?.retryable === true, errorName: e?.name });
  } finally {
    if (syncInFlight === seq) syncInFlight = 0;
  }
}

/** Function contexts by call site, so per-call-site state lasts across calls. */
const functionCtxs = new Map<string, StreamContext & { funcId: number }>();
const MAX_FUNCTION_CTXS = 10_000;

function functionCtx(instance: unknown): StreamContext & { funcId: number } {
  const key = String(instance ?? '');
  let c = functionCtxs.get(key);
  if (!c) {
    if (functionCtxs.size >= MAX_FUNCTION_CTXS) functionCtxs.delete(functionCtxs.keys().next().value!);
    const ids = key.split('/');
    const funcId = Number(/^func_(\d+)$/.exec(ids[1] ?? '')?.[1] ?? 0);
    c = Object.assign(makeCtx({ ruleId: ids[0], opId: ids[1], instanceId: Number(ids[2]) || 0 }), { funcId });
    functionCtxs.set(key, c);
  }
  return c;
}

function handle(syms: ResolvedSymbols, m: Msg): unknown {
  switch (m.type) {
    case 'ping':
      return undefined;
    case 'open':
      return open(syms, m);
    case 'collect': {
      const inst = instances.get(m.instance);
      if (!inst || inst.kind !== 'sink') throw new Error(`no open sink ${m.instance}`);
      const run = () => (inst.obj as Sink).collect(inst.ctx, m.item);
      const p = (inst.chain ?? Promise.resolve()).then(run, run);
      inst.chain = p.then(() => undefined, () => undefined);
      return p;
    }
    case 'exec': {
      const f: FunctionDef | undefined = syms.functions.get(m.symbol);
      if (!f) throw new Error(`no function ${m.symbol}`);
      return f.exec(functionCtx(m.instance), m.args ?? []);
    }
    case 'validate': {
      const f: FunctionDef | undefined = syms.functions.get(m.symbol);
      if (!f) throw new Error(`no function ${m.symbol}`);
      return f.validate ? f.validate(m.args ?? []) : undefined;
    }
    case 'close': {
      const inst = instances.get(m.instance);
      if (!inst) return undefined;
      instances.delete(m.instance);
      if (inst.pullTimer) clearInterval(inst.pullTimer);
      inst.ctx.abort.abort();
      return inst.obj.close(inst.ctx);
    }
    default:
      throw new Error(`unknown request ${m.type}`);
  }
}

async function open(syms: ResolvedSymbols, m: Msg): Promise<void> {
  const key: string = m.instance;
  const ctx = makeCtx(m.ctx);
  if (m.kind === 'sink') {
    const def = syms.sinks.get(m.symbol);
    if (!def) throw new Error(`no sink ${m.symbol}`);
    const sink = def.create();
    await sink.provision(ctx, m.props ?? {});
    await sink.connect(ctx, (status, message) => post({ type: 'status', instance: key, status, message }));
    instances.set(key, { kind: 'sink', obj: sink, ctx });
    return;
  }
  if (m.kind === 'source') {
    const def = syms.sources.get(m.symbol);
    if (!def) throw new Error(`no source ${m.symbol}`);
    const source = def.create();
    await source.provision(ctx, m.props ?? {});
    const io = {
      bytes: (payload: Uint8Array, meta?: unknown, ts?: number) => (post({ type: 'emit', instance: key, data: payload, meta, ts, bytes: true }), true),
      tuple: (data: unknown, meta?: unknown, ts?: number) => (post({ type: 'emit', instance: key, data, meta, ts }), true),
      error: (err: Error) => post({ type: 'error', instance: key, error: err?.message ?? String(err) }),
      eof: (message?: string) => post({ type: 'eof', instance: key, message }),
      status: (status: string, message?: string) => post({ type: 'status', instance: key, status, message }),
      onDrain: () => {},
    };
    const inst: Open = { kind: 'source', obj: source, ctx };
    instances.set(key, inst);
    await source.connect(ctx, io);
    // Pull sources are driven here, so the engine needs no pull round-trips.
    if (source.pull) {
      const interval = Number(m.props?.interval) > 0 ? Number(m.props.interval) : 1000;
      inst.pullTimer = setInterval(() => {
        Promise.resolve(source.pull!(ctx, Date.now(), io)).catch((err: Error) => io.error(err));
      }, interval);
    }
    return;
  }
  if (m.kind === 'function') return;
  throw new Error(`unknown kind ${m.kind}`);
}

// An import or setup error ends the worker; the engine reports it as the load failure.
await main();
