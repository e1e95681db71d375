// Plugin sink: the in-process filter rule with its sink provided by a plugin, loaded in process
// and isolated in a worker thread. The plugin is a tiny zip built here (manifest + ESM module
// whose byte sink only counts), installed through the plugin manager from a file:// URL.
// Both variants run in this one process so the isolated figure can be compared with the
// in-process one measured right before it (ratio of plugin-sink-isolated = isolated/inproc).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import yazl from 'yazl';
import { Generator, metricSum, openBenchEngine, registerGenerator, waitRunning } from '../lib/engine.mjs';
import { baselineLoop, payloadSet, round, sensor, startWindow } from '../lib/measure.mjs';

const PASS = (o) => o.temperature > 50;

const MODULE = `
class CountingSink {
  kind = 'bytes';
  n = 0;
  provision() {}
  connect(ctx, status) { status('connected'); }
  async collect(ctx, item) { this.n += item.payload ? 1 : 0; }
  close() {}
}
export default { sinks: { SYMBOL: { create: () => new CountingSink() } } };
`;

function zip(entries) {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, content] of entries) z.addBuffer(Buffer.from(content), name);
    z.end();
    const chunks = [];
    z.outputStream.on('data', (c) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

async function install(b, symbol, isolation) {
  const manifest = { name: symbol, version: '1.0.0', sinks: [symbol], isolation };
  const body = await zip([
    [`${symbol}.json`, JSON.stringify(manifest)],
    [`${symbol}.js`, MODULE.replace('SYMBOL', symbol)],
  ]);
  const dir = join(b.dataDir, 'uploads');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${symbol}.zip`);
  writeFileSync(file, body);
  await b.engine.plugins.install('sinks', { name: symbol, file: pathToFileURL(file).href, isolation });
}

async function until(fn, timeoutMs) {
  const end = performance.now() + timeoutMs;
  while (!fn()) {
    if (performance.now() > end) throw new Error('timed out waiting for the plugin sink');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function measure(b, symbol, buffers, passes, quick) {
  const { engine } = b;
  const total = quick ? 50_000 : 300_000;
  const warm = quick ? 10_000 : 30_000;
  const gen = new Generator(buffers);
  registerGenerator(`bench/${symbol}`, gen);
  engine.createStream(`CREATE STREAM ${symbol}_in () WITH (DATASOURCE="bench/${symbol}", TYPE="benchgen", FORMAT="json")`);
  engine.createRule({ id: symbol, sql: `SELECT * FROM ${symbol}_in WHERE temperature > 50`, actions: [{ [symbol]: {} }] });
  await waitRunning(engine, symbol);
  await gen.connected;
  const mask = buffers.length - 1;
  const count = (from, n) => {
    let p = 0;
    for (let i = from; i < from + n; i++) if (passes[i & mask]) p++;
    return p;
  };
  const out = () => metricSum(engine, symbol, new RegExp(`^sink_${symbol}_0_0_records_out_total$`));
  await gen.run(warm);
  await until(() => out() >= count(0, warm), 60_000);
  const expected = count(0, warm + total);
  const w = startWindow();
  await gen.run(total);
  await until(() => out() >= expected, 120_000);
  const m = w.stop();
  await engine.deleteRule(symbol);
  return { msgPerSec: (total / m.wallMs) * 1000, cpuPct: m.cpuPct, rssMb: m.rssMb, messages: total };
}

export async function run({ quick }) {
  const { buffers, objects } = payloadSet(1 << 16, sensor);
  const passes = objects.map(PASS);
  const baselineMsgPerSec = baselineLoop(buffers, PASS, quick ? 800 : 2000);
  const b = await openBenchEngine();
  const results = [];
  try {
    let inproc;
    try {
      await install(b, 'benchsink', 'inprocess');
      inproc = await measure(b, 'benchsink', buffers, passes, quick);
      results.push({
        name: 'plugin-sink-inproc',
        msgPerSec: round(inproc.msgPerSec),
        baselineMsgPerSec: round(baselineMsgPerSec),
        ratio: round(inproc.msgPerSec / baselineMsgPerSec, 3),
        p50Ms: null,
        p99Ms: null,
        cpuPct: inproc.cpuPct,
        rssMb: inproc.rssMb,
        messages: inproc.messages,
      });
    } catch (e) {
      results.push({ name: 'plugin-sink-inproc', skipped: `plugin sink in process failed: ${e.message}` });
    }
    try {
      await install(b, 'benchsinkw', 'worker');
      const iso = await measure(b, 'benchsinkw', buffers, passes, quick);
      results.push({
        name: 'plugin-sink-isolated',
        msgPerSec: round(iso.msgPerSec),
        baselineMsgPerSec: inproc ? round(inproc.msgPerSec) : null,
        ratio: inproc ? round(iso.msgPerSec / inproc.msgPerSec, 3) : null,
        p50Ms: null,
        p99Ms: null,
        cpuPct: iso.cpuPct,
        rssMb: iso.rssMb,
        messages: iso.messages,
        isolation: 'worker',
        extra: 'baseline is plugin-sink-inproc measured just before, in the same process',
      });
    } catch (e) {
      results.push({ name: 'plugin-sink-isolated', skipped: `plugin sink in a worker failed: ${e.message}` });
    }
  } finally {
    await b.close();
  }
  return results;
}
