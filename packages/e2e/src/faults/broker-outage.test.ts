import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from '../harness.js';
import { TcpProxy } from './tcp-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A rule reads from Mosquitto through a TCP proxy that is cut for about 6 s while inputs keep
 * being published to Mosquitto; it writes its results to Mosquitto directly. Returns the
 * inputs whose result arrived, in arrival order (duplicates included), or undefined when
 * Mosquitto is not running.
 *
 * At QoS 1/2 the rule's MQTT source keeps a persistent session (fixed client id, clean start
 * off) and acknowledges a message only once the rule covered it, so the broker keeps what is
 * published during the cut and redelivers what was not acknowledged.
 */
async function outage(t: TestContext, qos: 1 | 2, total = 100): Promise<number[] | undefined> {
  if (!(await requireService(t, 'Mosquitto', 1883))) return undefined;
  const id = uid();
  const proxy = await new TcpProxy({ port: 1883 }).start();
  t.after(() => proxy.close());
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: proxy.url } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'PUT', `/metadata/sources/mqtt/confKeys/fault_${id}`, {
    server: proxy.url, qos, clientid: `oort_fault_${id}`, enableClientSession: true,
  });
  assert.ok(r.status < 300, r.text);
  r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM bo_${id} () WITH (DATASOURCE="bo/in/${id}", FORMAT="json", CONF_KEY="fault_${id}")` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', {
    id: `bo_${id}`,
    sql: `SELECT n FROM bo_${id}`,
    options: { qos },
    actions: [{ mqtt: { server: 'tcp://127.0.0.1:1883', topic: `bo/out/${id}`, qos: 1, sendSingle: true } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/bo_${id}/status`)).json();
  await eventually(async () => (await status())[`source_bo_${id}_0_connection_status`] === 1, 'source connected');

  const got: number[] = [];
  const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => sub.endAsync());
  sub.on('message', (_t, p) => got.push((JSON.parse(p.toString()) as { n: number }).n));
  await sub.subscribeAsync(`bo/out/${id}`, { qos: 1 });
  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  for (let n = 1; n <= total; n++) {
    if (n === 21) proxy.cut();
    if (n === 81) proxy.restore();
    await pub.publishAsync(`bo/in/${id}`, JSON.stringify({ n }), { qos: 1 });
    await sleep(n > 20 && n <= 80 ? 100 : 5);
  }
  await eventually(async () => (await status())[`source_bo_${id}_0_connection_status`] === 1, 'source reconnected', 40000);
  await eventually(() => new Set(got).size >= total, `${total} results`, 10000).catch((e: Error) => {
    throw new Error(`${e.message}: got ${new Set(got).size} distinct of ${total}`);
  });
  await sleep(500); // late duplicates would arrive now
  return got;
}

const all = (total: number) => Array.from({ length: total }, (_, i) => i + 1);
const twice = (got: number[]) => got.filter((n, i) => got.indexOf(n) !== i);

test('a 6 s broker outage at QoS 1 loses no input', async (t) => {
  const got = await outage(t, 1);
  if (!got) return;
  assert.deepEqual([...new Set(got)].sort((a, b) => a - b), all(100), 'every input produced its result');
  const dups = twice(got);
  t.diagnostic(`${dups.length} results twice: ${dups.join(' ')}`);
  if (dups.length) {
    // QoS 1 is at-least-once: inputs processed but not yet acknowledged when the link broke are
    // redelivered and processed again. Only QoS 2 skips them (test below).
    t.todo('at QoS 1 the source does not de-duplicate redeliveries after a reconnect');
    assert.deepEqual(dups, [], 'none twice');
  }
});

test('a 6 s broker outage at QoS 2 neither loses nor doubles an input', async (t) => {
  const got = await outage(t, 2);
  if (!got) return;
  assert.deepEqual([...got].sort((a, b) => a - b), all(100), 'every input exactly once');
});
