// In-process filter: JSON payloads pushed through a source as fast as the engine accepts them,
// decoded, filtered, projected, encoded and counted by a sink; vs the bare-loop ceiling.
import { Counter, Generator, openBenchEngine, registerCounter, registerGenerator, waitRunning } from '../lib/engine.mjs';
import { baselineLoop, latency, payloadSet, round, sensor, startWindow } from '../lib/measure.mjs';

export const name = 'inproc-filter';

const PASS = (o) => o.temperature > 50;

export async function run({ quick }) {
  const total = quick ? 200_000 : 2_000_000;
  const warm = quick ? 50_000 : 200_000;
  const { buffers, objects } = payloadSet(1 << 16, sensor);
  const baselineMsgPerSec = baselineLoop(buffers, PASS, quick ? 800 : 2000);

  const passes = objects.map(PASS);
  const gen = new Generator(buffers);
  const counter = new Counter(1024);
  registerGenerator('bench/in', gen);
  registerCounter('inproc', counter);
  const b = await openBenchEngine();
  try {
    const { engine } = b;
    engine.createStream('CREATE STREAM demo () WITH (DATASOURCE="bench/in", TYPE="benchgen", FORMAT="json")');
    engine.createRule({ id: 'filter', sql: 'SELECT * FROM demo WHERE temperature > 50', actions: [{ benchcount: { key: 'inproc' } }] });
    await waitRunning(engine, 'filter');
    await gen.connected;

    // every passing message whose pass number is a multiple of 1024 gets a send stamp
    const stamps = [];
    let passed = 0;
    const mask = buffers.length - 1;
    const count = (from, n) => {
      let p = 0;
      for (let i = from; i < from + n; i++) if (passes[i & mask]) p++;
      return p;
    };

    await gen.run(warm);
    passed = count(0, warm);
    await counter.until(passed);

    counter.marks.length = 0;
    const base = counter.n;
    const expected = base + count(warm, total);
    gen.onSend = (i) => {
      if (passes[i & mask] && (++passed & 1023) === 0) stamps.push(performance.now());
    };
    const w = startWindow();
    await gen.run(total);
    await counter.until(expected);
    const m = w.stop();
    gen.onSend = undefined;
    // stamps and marks both count passing messages from the start, so after the warm-up
    // the i-th stamp and the i-th mark belong to the same message
    const lat = latency(stamps, counter.marks);
    const msgPerSec = (total / m.wallMs) * 1000;
    return {
      name,
      msgPerSec: round(msgPerSec),
      baselineMsgPerSec: round(baselineMsgPerSec),
      ratio: round(msgPerSec / baselineMsgPerSec, 3),
      p50Ms: lat.p50Ms,
      p99Ms: lat.p99Ms,
      cpuPct: m.cpuPct,
      rssMb: m.rssMb,
      messages: total,
      passed: expected - base,
      notes: 'one rule, FORMAT json, benchgen source → filter → project → json encode → counting sink',
    };
  } finally {
    await b.close();
  }
}
