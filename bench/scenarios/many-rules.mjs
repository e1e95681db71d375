// Many rules: N rules, each on its own stream with a filter and a nop sink. Reports memory per
// rule (RSS and heap delta after GC / N), creation time per rule (create stream + create rule
// + running), and the steady-state CPU when every rule gets one message per second.
// source 'memory' (default): memory topics, driven from this process (no decoding; the bus
// publish is counted in the engine's CPU). source 'mqtt': every stream is its own MQTT
// subscription (one broker connection each, as Oort shares a source per stream, not per
// broker), driven by lib/mqtt-ticker.mjs in another process; JSON decoding included.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { memoryBus, openBenchEngine, metricSum } from '../lib/engine.mjs';
import { round, settleGc, sleep, startWindow } from '../lib/measure.mjs';

export const name = 'many-rules';
const TICKER = fileURLToPath(new URL('../lib/mqtt-ticker.mjs', import.meta.url));

export async function run({ quick, source = 'memory', name = source === 'mqtt' ? 'many-rules-mqtt' : 'many-rules' }) {
  const mqtt = source === 'mqtt';
  const rules = mqtt ? (quick ? 300 : 2_000) : quick ? 2_000 : 10_000;
  const prefix = `bench/mr/${process.pid}/`;
  const steadySeconds = quick ? 4 : 10;
  const b = await openBenchEngine();
  try {
    const { engine } = b;
    const gcOk = await settleGc();
    const rss0 = process.memoryUsage.rss();
    const heap0 = process.memoryUsage().heapUsed;

    if (mqtt) engine.putConfKey('sources', 'mqtt', 'bench', { server: 'tcp://127.0.0.1:1883', qos: 0 });
    const t0 = performance.now();
    for (let i = 0; i < rules; i++) {
      engine.createStream(
        mqtt
          ? `CREATE STREAM s${i} () WITH (DATASOURCE="${prefix}${i}", TYPE="mqtt", FORMAT="json", CONF_KEY="bench")`
          : `CREATE STREAM s${i} () WITH (DATASOURCE="${prefix}${i}", TYPE="memory")`,
      );
      engine.createRule({ id: `r${i}`, sql: `SELECT * FROM s${i} WHERE temperature > 50`, actions: [{ nop: {} }] });
    }
    const createdMs = performance.now() - t0;
    for (;;) {
      const all = engine.allRuleStatus();
      let running = 0;
      for (const id in all) if (all[id].status === 'running') running++;
      if (running === rules) break;
      if (performance.now() - t0 > 300_000) throw new Error(`only ${running} of ${rules} rules running after 300 s`);
      await sleep(20);
    }
    const runningMs = performance.now() - t0;

    await settleGc();
    const rss1 = process.memoryUsage.rss();
    const heap1 = process.memoryUsage().heapUsed;

    // one message per second per rule, spread over the second in 10 ms slices
    const row = { temperature: 60, humidity: 40 };
    let published = 0;
    let next = 0;
    const perTick = Math.ceil(rules / 100);
    let timer;
    let ticker;
    if (mqtt) {
      ticker = spawn(process.execPath, [TICKER, JSON.stringify({ prefix, count: rules })], { stdio: ['ignore', 'pipe', 'inherit'] });
      await once(ticker.stdout, 'data');
    } else {
      timer = setInterval(() => {
        for (let k = 0; k < perTick; k++) {
          memoryBus.publish(`${prefix}${next}`, [row]);
          published++;
          if (++next === rules) next = 0;
        }
      }, 10);
    }
    await sleep(2000); // warm-up: first publish to each topic builds its route
    const inBefore = mqtt ? sourceIn(engine, rules) : 0;
    const p0 = published;
    const w = startWindow();
    await sleep(steadySeconds * 1000);
    const m = w.stop();
    const sent = mqtt ? sourceIn(engine, rules) - inBefore : published - p0;
    clearInterval(timer);
    ticker?.kill('SIGTERM');
    await sleep(100);
    const sample = metricSum(engine, 'r0', /^sink_nop_0_0_records_out_total$/);

    const kbPerRule = (rss1 - rss0) / rules / 1024;
    const what = mqtt ? 'MQTT source (one connection per stream)' : 'memory source';
    return {
      name,
      msgPerSec: round((sent / m.wallMs) * 1000),
      baselineMsgPerSec: null,
      ratio: null,
      p50Ms: null,
      p99Ms: null,
      cpuPct: m.cpuPct,
      rssMb: m.rssMb,
      rules,
      kbPerRule: round(kbPerRule, 1),
      heapKbPerRule: round((heap1 - heap0) / rules / 1024, 1),
      createMsPerRule: round(createdMs / rules, 3),
      runningMsPerRule: round(runningMs / rules, 3),
      gc: gcOk,
      sinkOutOfRule0: sample,
      source,
      saturating: false,
      extra: `${rules} rules, ${what}: ${round(kbPerRule, 1)} KB RSS/rule, ${round((heap1 - heap0) / rules / 1024, 1)} KB heap/rule, create ${round(createdMs / rules, 3)} ms/rule (running after ${round(runningMs / rules, 3)} ms/rule), ${m.cpuPct}% CPU at 1 msg/s per rule`,
    };
  } finally {
    await b.close();
  }
}

/** Records the sources of all rules took in (mqtt: what the ticker delivered). */
function sourceIn(engine, rules) {
  let n = 0;
  for (let i = 0; i < rules; i++) n += metricSum(engine, `r${i}`, /^source_.*_records_in_total$/);
  return n;
}
