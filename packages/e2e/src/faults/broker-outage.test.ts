import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from '../harness.js';
import { TcpProxy } from './tcp-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The MQTT source connects with a clean session (client-options.ts sets `clean: true` and has
// no property to change it), so the broker forgets the subscription while the link is down and
// drops what is published meanwhile. The test states the goal; it passes once the source keeps
// a persistent session (clean: false, fixed client id, QoS 1) and skips redeliveries it already
// processed.
const TODO = 'the MQTT source has no persistent session yet (clean: false + fixed clientid + QoS 1 resubscription)';

test('a 6 s broker outage at QoS 1 loses no input and doubles none', { todo: TODO }, async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const proxy = await new TcpProxy({ port: 1883 }).start();
  t.after(() => proxy.close());
  // the source reaches Mosquitto through the proxy, the sink and the test directly
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: proxy.url } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'PUT', `/metadata/sources/mqtt/confKeys/fault_${id}`, {
    server: proxy.url, qos: 1, clientid: `oort_fault_${id}`, cleanSession: false, sessionExpiry: 3600,
  });
  assert.ok(r.status < 300, r.text);
  r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM bo_${id} () WITH (DATASOURCE="bo/in/${id}", FORMAT="json", CONF_KEY="fault_${id}")` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', {
    id: `bo_${id}`,
    sql: `SELECT n FROM bo_${id}`,
    options: { qos: 1 },
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
  const total = 100;
  for (let n = 1; n <= total; n++) {
    if (n === 21) proxy.cut();
    if (n === 81) proxy.restore();
    await pub.publishAsync(`bo/in/${id}`, JSON.stringify({ n }), { qos: 1 });
    await sleep(n > 20 && n <= 80 ? 100 : 5);
  }
  await eventually(async () => (await status())[`source_bo_${id}_0_connection_status`] === 1, 'source reconnected', 40000);
  await eventually(() => got.length >= total, `${total} results`, 10000).catch((e: Error) => {
    throw new Error(`${e.message}: got ${new Set(got).size} distinct of ${total}, ${got.length - new Set(got).size} twice`);
  });
  await sleep(500);
  assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1), 'every input once');
});
