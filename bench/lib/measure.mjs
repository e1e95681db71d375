// Measurement helpers shared by the scenarios: CPU and RSS over a window, percentiles,
// payload sets and the bare-loop baseline.

/** Starts measuring; `stop()` returns wall ms, CPU % (user+system over wall) and peak RSS MB. */
export function startWindow() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const r = process.memoryUsage.rss();
      if (r > peak) peak = r;
      return { wallMs, cpuPct: round(((c.user + c.system) / 1000 / wallMs) * 100, 1), rssMb: round(peak / 1048576, 1) };
    },
  };
}

export function round(v, digits = 0) {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** p50/p99 of paired send/receive stamps (ms). */
export function latency(sent, received) {
  const n = Math.min(sent.length, received.length);
  const d = [];
  for (let i = 0; i < n; i++) d.push(received[i] - sent[i]);
  d.sort((a, b) => a - b);
  return { p50Ms: round(percentile(d, 50), 3), p99Ms: round(percentile(d, 99), 3), samples: n };
}

/** A deterministic PRNG (mulberry32), so every run feeds the same payloads. */
export function rng(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` (a power of two) JSON payloads as Buffers, with the object each encodes.
 * `make(rand, i)` builds the object.
 */
export function payloadSet(count, make, seed = 42) {
  const rand = rng(seed);
  const objects = [];
  const buffers = [];
  for (let i = 0; i < count; i++) {
    const o = make(rand, i);
    objects.push(o);
    buffers.push(Buffer.from(JSON.stringify(o)));
  }
  return { objects, buffers };
}

/** `{"temperature": 0-100, "humidity": 0-100}` (whole numbers, as sensors usually send). */
export const sensor = (rand) => ({ temperature: Math.floor(rand() * 101), humidity: Math.floor(rand() * 101) });

/**
 * The ceiling: a bare loop over the same Buffers doing what a hand-written pipeline must do
 * at least, JSON.parse of the payload text, the predicate, JSON.stringify of the passing
 * objects back to a Buffer. Runs for at least `minMs` (after a warm-up) and returns msg/s.
 */
export function baselineLoop(buffers, predicate, minMs = 1500) {
  if (process.env.OORT_BENCH_NO_BASELINE) return NaN; // profiling the engine alone
  const mask = buffers.length - 1;
  let sink = 0;
  const runFor = (ms) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < 16384; k++, n++) {
        const o = JSON.parse(buffers[n & mask].toString('utf8'));
        if (predicate(o)) sink += Buffer.from(JSON.stringify(o)).length;
      }
      t = performance.now();
    }
    return (n / (t - t0)) * 1000;
  };
  runFor(Math.min(300, minMs / 4));
  const rate = runFor(minMs);
  if (sink < 0) console.log(sink); // keeps the work observable
  return rate;
}

/** Forces a full GC when node runs with --expose-gc (the runner passes it). */
export async function settleGc() {
  if (typeof globalThis.gc !== 'function') return false;
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
