// Opens a real Oort engine for a benchmark, with two bench-only connectors registered next to
// the built-ins: `benchgen` (a push source that feeds pre-built JSON payloads through
// SourceIO.bytes as fast as the engine accepts them) and `benchcount` (a byte sink that only
// counts). They are registered by adding entries to the engine's built-in connector tables,
// which is the same lookup path plugins take; nothing else in the engine is bypassed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// OORT_BENCH_ENGINE_DIST points at another build of the engine (a patched copy, to measure
// an optimisation before proposing it); by default the workspace's packages/engine/dist.
const dist = process.env.OORT_BENCH_ENGINE_DIST
  ? pathToFileURL(resolve(process.env.OORT_BENCH_ENGINE_DIST) + '/')
  : new URL('../../packages/engine/dist/', import.meta.url);
const { Engine } = await import(new URL('engine.js', dist).href);
const { defaultConfig } = await import(new URL('config/index.js', dist).href);
const { MemoryKV } = await import(new URL('store/index.js', dist).href);
const connectors = await import(new URL('connectors/index.js', dist).href);

export const memoryBus = connectors.memoryBus;

/** Generators by datasource name; a `benchgen` stream's DATASOURCE picks one. */
const generators = new Map();
/** Counters by the `benchcount` action's `key` property. */
const counters = new Map();

/**
 * Feeds payloads to the source of one stream. `run(n)` pushes n payloads (cycling through
 * `payloads`) and resolves when the last one was accepted; it stops on a `false` from
 * SourceIO.bytes and continues from `onDrain`, like a broker client pausing its socket.
 * `onSend(i)` (optional) sees the index of every message just before it is pushed.
 */
export class Generator {
  constructor(payloads) {
    this.payloads = payloads;
    this.mask = payloads.length - 1;
    if ((payloads.length & this.mask) !== 0) throw new Error('payload count must be a power of two');
    this.io = undefined;
    this.connected = new Promise((r) => (this.onConnect = r));
    this.sent = 0;
    this.end = 0;
    this.finish = undefined;
    this.onSend = undefined;
  }

  attach(io) {
    this.io = io;
    io.onDrain(() => this.pump());
    this.onConnect();
  }

  run(n) {
    this.end = this.sent + n;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.pump();
    });
  }

  pump() {
    const io = this.io;
    if (!io || !this.finish) return;
    const { payloads, mask, onSend } = this;
    let i = this.sent;
    const end = this.end;
    while (i < end) {
      if (onSend) onSend(i);
      const ok = io.bytes(payloads[i & mask]);
      i++;
      if (!ok) break;
    }
    this.sent = i;
    if (i >= end) {
      const f = this.finish;
      this.finish = undefined;
      f();
    }
  }
}

export function registerGenerator(name, gen) {
  generators.set(name, gen);
}

class GenSource {
  provision(_ctx, props) {
    this.gen = generators.get(props.datasource);
    if (!this.gen) throw new Error(`no bench generator named ${props.datasource}`);
  }
  connect(_ctx, io) {
    io.status('connected');
    this.gen.attach(io);
  }
  close() {}
}

/**
 * Counts sink items. Every `every`-th item (a power of two) records performance.now() in
 * `marks`, so latency can be read against the send stamps of the matching passing messages
 * (one rule is a FIFO: the k-th item out is the k-th message that passed the filter).
 */
export class Counter {
  constructor(every = 1024) {
    this.n = 0;
    this.target = Infinity;
    this.mask = every - 1;
    this.marks = [];
    this.waiter = undefined;
    /** Optional: sees every item (scenarios that check what came out). */
    this.onItem = undefined;
  }
  /** Resolves once `n` reaches `target`. */
  until(target) {
    this.target = target;
    if (this.n >= target) return Promise.resolve();
    return new Promise((r) => (this.waiter = r));
  }
  hit(item) {
    if (this.onItem) this.onItem(item);
    const n = ++this.n;
    if ((n & this.mask) === 0) this.marks.push(performance.now());
    if (n >= this.target && this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w();
    }
  }
}

export function registerCounter(key, counter) {
  counters.set(key, counter);
}

const done = Promise.resolve();
class CountSink {
  kind = 'bytes';
  provision(_ctx, props) {
    this.counter = counters.get(props.key);
    if (!this.counter) throw new Error(`no bench counter named ${props.key}`);
  }
  connect(_ctx, status) {
    status('connected');
  }
  collect(_ctx, item) {
    this.counter.hit(item);
    return done;
  }
  close() {}
}

connectors.builtinSources.benchgen = { create: () => new GenSource(), about: 'bench generator' };
connectors.builtinSinks.benchcount = { create: () => new CountSink(), about: 'bench counter' };

const quiet = { debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(`engine error: ${m}\n`) };

/** An engine on a temp folder with an in-memory store and a quiet logger. */
export async function openBenchEngine(configure) {
  const dataDir = mkdtempSync(join(tmpdir(), 'oort-bench-'));
  const config = defaultConfig();
  config.basic.logLevel = 'error';
  configure?.(config);
  const engine = await Engine.open({ dataDir, config, kv: new MemoryKV(), logger: quiet });
  return {
    engine,
    dataDir,
    async close() {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the rule runs (or failed: then throws its message). */
export async function waitRunning(engine, id, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const st = engine.ruleStatus(id);
    if (st.status === 'running') return;
    if (Date.now() > end) throw new Error(`rule ${id} is ${st.status}: ${st.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sum of a metric over a rule's nodes whose id matches `re` (e.g. sink records out). */
export function metricSum(engine, id, re) {
  const st = engine.ruleStatus(id);
  let sum = 0;
  for (const [k, v] of Object.entries(st)) if (re.test(k) && typeof v === 'number') sum += v;
  return sum;
}
