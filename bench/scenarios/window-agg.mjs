// Windowed aggregate: count and average per device over 10,000 device ids in 1 s tumbling
// windows, payloads pushed at full speed; vs a bare loop doing JSON.parse + a Map update.
import { Counter, Generator, metricSum, openBenchEngine, registerCounter, registerGenerator, waitRunning } from '../lib/engine.mjs';
import { payloadSet, round, startWindow } from '../lib/measure.mjs';

export const name = 'window-agg';

const DEVICES = 10_000;
const SQL = 'SELECT deviceId, count(*), avg(temperature) FROM demo GROUP BY deviceId, TUMBLINGWINDOW(ss, 1)';

function baseline(buffers, minMs) {
  if (process.env.OORT_BENCH_NO_BASELINE) return NaN;
  const mask = buffers.length - 1;
  const runFor = (ms) => {
    const groups = new Map();
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < 16384; k++, n++) {
        const o = JSON.parse(buffers[n & mask].toString('utf8'));
        const g = groups.get(o.deviceId);
        if (g) {
          g.count++;
          g.sum += o.temperature;
        } else groups.set(o.deviceId, { count: 1, sum: o.temperature });
      }
      t = performance.now();
    }
    return (n / (t - t0)) * 1000;
  };
  runFor(200);
  return runFor(minMs);
}

async function until(fn, timeoutMs) {
  const end = performance.now() + timeoutMs;
  while (!fn()) {
    if (performance.now() > end) throw new Error('timed out waiting for the window rule to process its input');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function run({ quick }) {
  const total = quick ? 200_000 : 2_000_000;
  const warm = quick ? 20_000 : 100_000;
  const { buffers } = payloadSet(1 << 16, (rand, i) => ({ deviceId: `device-${i % DEVICES}`, temperature: Math.floor(rand() * 101), humidity: Math.floor(rand() * 101) }));
  const baselineMsgPerSec = baseline(buffers, quick ? 800 : 2000);
  const gen = new Generator(buffers);
  const counter = new Counter(1);
  registerGenerator('bench/win', gen);
  registerCounter('win', counter);
  // check what came out: rows per emission and the sum of count(*) over all of them
  let rowsOut = 0;
  let countSum = 0;
  counter.onItem = (item) => {
    const rows = JSON.parse(Buffer.from(item.payload).toString('utf8'));
    for (const r of Array.isArray(rows) ? rows : [rows]) {
      rowsOut++;
      countSum += Number(r.count ?? r['count(*)'] ?? r.count_all ?? 0);
    }
  };
  const b = await openBenchEngine();
  try {
    const { engine } = b;
    engine.createStream('CREATE STREAM demo () WITH (DATASOURCE="bench/win", TYPE="benchgen", FORMAT="json")');
    try {
      engine.createRule({ id: 'win', sql: SQL, actions: [{ benchcount: { key: 'win' } }] });
    } catch (e) {
      return { name, skipped: `the rule cannot be created: ${e.message}` };
    }
    await waitRunning(engine, 'win');
    await gen.connected;
    // records taken by the first operator after the decoder (the window) = processed input
    const processed = () => metricSum(engine, 'win', /^op_2_.*_records_in_total$/);
    await gen.run(warm);
    await until(() => processed() >= warm, 30_000);
    const w = startWindow();
    await gen.run(total);
    await until(() => processed() >= warm + total, 60_000);
    const m = w.stop();
    const emissionsBefore = counter.n;
    await until(() => counter.n > emissionsBefore, 3_000).catch(() => undefined);
    const msgPerSec = (total / m.wallMs) * 1000;
    return {
      name,
      msgPerSec: round(msgPerSec),
      baselineMsgPerSec: round(baselineMsgPerSec),
      ratio: round(msgPerSec / baselineMsgPerSec, 3),
      p50Ms: null,
      p99Ms: null,
      cpuPct: m.cpuPct,
      rssMb: m.rssMb,
      messages: total,
      devices: DEVICES,
      emissions: counter.n,
      rowsOut,
      countSum,
      extra: `${counter.n} window emissions, ${rowsOut} result rows, count(*) summed ${countSum} of ${warm + total} sent (the last window may still be open)`,
    };
  } finally {
    await b.close();
  }
}
