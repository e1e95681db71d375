// MQTT end to end: publisher → Mosquitto → Oort (mqtt source, filter, mqtt sink + file sink)
// → Mosquitto → subscriber, against Mosquitto's own pass-through ceiling (publisher →
// subscriber) measured in the same run. Each side looks for the highest paced rate with zero
// loss: doubling from a start rate, then bisecting between the last good and first bad rate.
// The publisher and the subscriber run in a separate process (lib/mqtt-load.mjs).
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricSum, openBenchEngine, waitRunning } from '../lib/engine.mjs';
import { round, startWindow } from '../lib/measure.mjs';

const LOAD = fileURLToPath(new URL('../lib/mqtt-load.mjs', import.meta.url));
const uniq = `${process.pid}${Math.random().toString(36).slice(2, 7)}`;

function brokerUp() {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port: 1883 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

function load(opts) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LOAD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        // counted as a failed step (the load process gave up)
        resolve({ rate: opts.rate, sent: 0, expected: 1, received: 0, achievedRate: 0, failed: `load process exited with ${code}` });
      }
    });
  });
}

/**
 * Doubling then bisecting search for the highest rate with zero loss. A step where the
 * publisher itself could not reach the asked rate (its process is starved of CPU on a small
 * machine) still counts with the rate it did reach, and ends the doubling: asking for more
 * would not send more. `good` is the zero-loss step with the highest achieved rate.
 */
async function search(step, { start, max, bisect }) {
  const tried = [];
  let good;
  let bad;
  const better = (r) => !good || r.achievedRate > good.achievedRate;
  for (let rate = start; rate <= max; rate *= 2) {
    const r = await step(rate);
    tried.push(r);
    if (!r.ok) {
      bad = r;
      break;
    }
    if (better(r)) good = r;
    if (r.achievedRate < rate * 0.95) break;
  }
  let lo = good?.rate;
  let hi = bad?.rate;
  for (let i = 0; i < bisect && lo && hi; i++) {
    const rate = Math.round((lo + hi) / 2 / 1000) * 1000;
    if (rate <= lo || rate >= hi) break;
    const r = await step(rate);
    tried.push(r);
    if (r.ok) {
      if (better(r)) good = r;
      lo = rate;
    } else hi = rate;
  }
  return { good, bad, tried };
}

const okOf = (l) => l.received === l.expected;
/** Latency is read at this fixed rate, far from saturation (queues in the publisher would dominate). */
const LATENCY_RATE = 10_000;

export async function run({ quick, qos = 0, name = qos ? 'mqtt-e2e-qos1' : 'mqtt-e2e' }) {
  if (!(await brokerUp())) return { name, skipped: 'Mosquitto is not reachable on 127.0.0.1:1883' };
  const seconds = quick ? 1.5 : 3;
  const search0 = { start: qos ? 5_000 : quick ? 40_000 : 25_000, max: 800_000, bisect: quick ? 1 : 2 };

  // OORT_BENCH_MQTT_RATE=30000: one Oort step at that rate, no search and no ceiling (A/B runs
  // of the engine: compare its cpuPct at the same load); with OORT_BENCH_MQTT_NOFILE=1 a nop
  // sink stands in for the file sink (how much of the cost is the file)
  const fixed = Number(process.env.OORT_BENCH_MQTT_RATE) || 0;
  // Mosquitto alone
  let n = 0;
  const ceilStep = async (rate) => {
    const topic = `bench/ceil/${uniq}/${n++}`;
    const l = await load({ pub: topic, sub: topic, rate, seconds, qos });
    return { ...l, ok: okOf(l) };
  };
  const ceiling = fixed ? { tried: [] } : await search(ceilStep, search0);

  // through Oort
  const b = await openBenchEngine();
  try {
    const { engine } = b;
    engine.putConfKey('sources', 'mqtt', 'bench', { server: 'tcp://127.0.0.1:1883', qos });
    const e2eStep = async (rate) => {
      const i = n++;
      const inTopic = `bench/in/${uniq}/${i}`;
      const outTopic = `bench/out/${uniq}/${i}`;
      const file = join(b.dataDir, `out-${i}.jsonl`);
      engine.createStream(`CREATE STREAM s${i} () WITH (DATASOURCE="${inTopic}", TYPE="mqtt", FORMAT="json", CONF_KEY="bench")`);
      const id = `e2e${i}`;
      engine.createRule({
        id,
        sql: `SELECT * FROM s${i} WHERE temperature > 50`,
        actions: [
          { mqtt: { server: 'tcp://127.0.0.1:1883', topic: outTopic, qos } },
          fixed && process.env.OORT_BENCH_MQTT_NOFILE ? { nop: {} } : { file: { path: file, fileType: 'lines' } },
        ],
      });
      await waitRunning(engine, id);
      const end = Date.now() + 5000;
      while (metricSum(engine, id, /^sink_mqtt_0_0_connection_status$/) !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      const w = startWindow();
      const l = await load({ pub: inTopic, sub: outTopic, rate, seconds, qos, filtered: true });
      const m = w.stop();
      await engine.deleteRule(id);
      engine.dropStream('stream', `s${i}`);
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
      return { ...l, fileLines: lines, cpuPct: m.cpuPct, rssMb: m.rssMb, ok: okOf(l) && lines === l.expected };
    };
    if (fixed) {
      const r = await e2eStep(fixed);
      if (process.env.OORT_BENCH_MQTT_NOFILE) r.fileLines = r.expected;
      return { name, msgPerSec: round(r.achievedRate), baselineMsgPerSec: null, ratio: null, p50Ms: round(r.p50Ms, 3), p99Ms: round(r.p99Ms, 3), cpuPct: r.cpuPct, rssMb: r.rssMb, qos, lost: r.expected - r.received, fileLost: r.expected - r.fileLines, fixedRate: fixed };
    }
    const e2e = await search(e2eStep, search0);

    const latE2e = await e2eStep(LATENCY_RATE);
    const latCeil = await ceilStep(LATENCY_RATE);
    const best = e2e.good;
    const ceil = ceiling.good;
    const msgPerSec = best ? best.achievedRate : 0;
    const baselineMsgPerSec = ceil ? ceil.achievedRate : null;
    const describe = (t) =>
      t
        .map((x) => {
          const lost = x.ok ? 'ok' : x.failed ?? `lost ${x.expected - x.received}${x.fileLines !== undefined && x.fileLines !== x.expected ? `, file lost ${x.expected - x.fileLines}` : ''}`;
          const pub = x.achievedRate < x.rate * 0.95 ? ` (sent ${round(x.achievedRate / 1000)}k/s)` : '';
          return `${round(x.rate / 1000)}k:${lost}${pub}`;
        })
        .join(' ');
    return {
      name,
      msgPerSec: round(msgPerSec),
      baselineMsgPerSec: round(baselineMsgPerSec),
      ratio: baselineMsgPerSec ? round(msgPerSec / baselineMsgPerSec, 3) : null,
      p50Ms: round(latE2e.p50Ms, 3),
      p99Ms: round(latE2e.p99Ms, 3),
      cpuPct: best?.cpuPct ?? null,
      rssMb: best?.rssMb ?? null,
      qos,
      latencyAtMsgPerSec: LATENCY_RATE,
      ceilingP50Ms: round(latCeil.p50Ms, 3),
      ceilingP99Ms: round(latCeil.p99Ms, 3),
      latencyStepsOk: latE2e.ok && latCeil.ok,
      stepSeconds: seconds,
      ceilingSteps: describe(ceiling.tried),
      e2eSteps: describe(e2e.tried),
      extra: `QoS ${qos}; latency at ${LATENCY_RATE / 1000}k msg/s (Mosquitto alone p50 ${round(latCeil.p50Ms, 2)} ms, p99 ${round(latCeil.p99Ms, 2)} ms); ceiling steps ${describe(ceiling.tried)}; Oort steps ${describe(e2e.tried)}`,
    };
  } finally {
    await b.close();
  }
}
