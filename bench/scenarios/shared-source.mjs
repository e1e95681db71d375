// Shared source: 300 rules on one stream (one decode per message, fanned out), each a filter
// letting about 10% through. Reports processings/s = messages × rules / s (eKuiper's figure).
import { Counter, Generator, openBenchEngine, registerCounter, registerGenerator, waitRunning } from '../lib/engine.mjs';
import { payloadSet, round, sensor, startWindow } from '../lib/measure.mjs';

export const name = 'shared-source';

const RULES = 300;
/** Thresholds 85..95: on temperatures 0..100 about 10% pass on average. */
const threshold = (i) => 85 + (i % 11);

/** Parse once, run every rule's predicate, stringify each pass: processings/s. */
function baseline(buffers, minMs) {
  if (process.env.OORT_BENCH_NO_BASELINE) return NaN;
  const mask = buffers.length - 1;
  const th = Array.from({ length: RULES }, (_, i) => threshold(i));
  let bytes = 0;
  const runFor = (ms) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let k = 0; k < 256; k++, n++) {
        const o = JSON.parse(buffers[n & mask].toString('utf8'));
        for (let r = 0; r < RULES; r++) if (o.temperature > th[r]) bytes += Buffer.from(JSON.stringify([o])).length;
      }
      t = performance.now();
    }
    return ((n * RULES) / (t - t0)) * 1000;
  };
  runFor(200);
  const rate = runFor(minMs);
  if (bytes < 0) console.log(bytes);
  return rate;
}

export async function run({ quick }) {
  const total = quick ? 20_000 : 100_000;
  const warm = quick ? 5_000 : 10_000;
  const rules = RULES;
  const { buffers, objects } = payloadSet(1 << 14, sensor, 7);
  const baselineMsgPerSec = baseline(buffers, quick ? 800 : 2000);
  const mask = buffers.length - 1;
  const passCount = objects.map((o) => {
    let p = 0;
    for (let i = 0; i < rules; i++) if (o.temperature > threshold(i)) p++;
    return p;
  });
  const expect = (from, n) => {
    let p = 0;
    for (let i = from; i < from + n; i++) p += passCount[i & mask];
    return p;
  };

  const gen = new Generator(buffers);
  const counter = new Counter(1 << 30);
  registerGenerator('bench/shared', gen);
  registerCounter('shared', counter);
  const b = await openBenchEngine();
  try {
    const { engine } = b;
    engine.createStream('CREATE STREAM demo () WITH (DATASOURCE="bench/shared", TYPE="benchgen", FORMAT="json")');
    const t0 = performance.now();
    for (let i = 0; i < rules; i++) {
      engine.createRule({ id: `r${i}`, sql: `SELECT * FROM demo WHERE temperature > ${threshold(i)}`, actions: [{ benchcount: { key: 'shared' } }] });
    }
    for (let i = 0; i < rules; i++) await waitRunning(engine, `r${i}`);
    const createMs = performance.now() - t0;
    await gen.connected;

    await gen.run(warm);
    await counter.until(expect(0, warm));
    const expected = counter.n + expect(warm, total);
    const w = startWindow();
    await gen.run(total);
    await counter.until(expected);
    const m = w.stop();
    const processings = (total * rules) / (m.wallMs / 1000);
    return {
      name,
      msgPerSec: round(processings),
      baselineMsgPerSec: round(baselineMsgPerSec),
      ratio: round(processings / baselineMsgPerSec, 3),
      p50Ms: null,
      p99Ms: null,
      cpuPct: m.cpuPct,
      rssMb: m.rssMb,
      rules,
      messages: total,
      inputMsgPerSec: round((total / m.wallMs) * 1000),
      passRatio: round(expect(warm, total) / (total * rules), 3),
      createMsPerRule: round(createMs / rules, 3),
      extra: `${rules} rules, ${round((total / m.wallMs) * 1000)} input msg/s, ${round((expect(warm, total) / (total * rules)) * 100, 1)}% pass`,
    };
  } finally {
    await b.close();
  }
}
