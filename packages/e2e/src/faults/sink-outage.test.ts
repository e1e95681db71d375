import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from '../harness.js';
import { FlakyEndpoint } from './flaky-endpoint.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a REST endpoint answering 503 for several seconds still gets every result, in order, once', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const endpoint = await new FlakyEndpoint().start();
  t.after(() => endpoint.close());
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM so_${id} () WITH (DATASOURCE="so/${id}", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', {
    id: `so_${id}`,
    sql: `SELECT n, n * 10 AS m FROM so_${id}`,
    actions: [{ rest: { url: endpoint.url, method: 'POST', sendSingle: true } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/so_${id}/status`)).json();
  await eventually(async () => (await status())[`source_so_${id}_0_connection_status`] === 1, 'source connected');

  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  const total = 120;
  for (let n = 1; n <= total; n++) {
    if (n === 21) endpoint.failing = true; // outage from the 21st result on, for about 6 s
    if (n === 81) endpoint.failing = false;
    await pub.publishAsync(`so/${id}`, JSON.stringify({ n }), { qos: 1 });
    await sleep(n > 20 && n <= 80 ? 100 : 5);
  }
  assert.ok(endpoint.refused > 0, 'the endpoint refused sends during the outage');
  await eventually(() => endpoint.bodies.length >= total, `${total} results delivered`, 45000);
  await sleep(300); // nothing more may arrive
  const got = endpoint.bodies.map((b) => (JSON.parse(b) as { n: number }).n);
  assert.deepEqual(got, Array.from({ length: total }, (_, i) => i + 1), 'in order, none missing, none twice');
  const s = await status();
  assert.equal(s.status, 'running');
  assert.equal(s[`sink_rest_0_0_records_out_total`], total);
  assert.equal(s[`sink_rest_0_0_buffer_length`], 0);
});

test('results cached while the endpoint is down survive a server restart and are sent first, in order', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const endpoint = await new FlakyEndpoint().start();
  t.after(() => endpoint.close());
  endpoint.failing = true;
  const dataDir = tempDir();
  const env = { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' };
  let oort = await startOort({ dataDir, env });
  t.after(() => oort.stop());
  await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM sr_${id} () WITH (DATASOURCE="sr/${id}", FORMAT="json")` });
  const r = await call(oort.url, 'POST', '/rules', {
    id: `sr_${id}`,
    sql: `SELECT n FROM sr_${id}`,
    actions: [{ rest: { url: endpoint.url, method: 'POST', sendSingle: true, bufferPageSize: 4, memoryCacheThreshold: 4 } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/sr_${id}/status`)).json();
  await eventually(async () => (await status())[`source_sr_${id}_0_connection_status`] === 1, 'source connected');
  assert.ok(`sink_rest_0_0_cache_length` in (await status()), 'the rest sink caches by default');
  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  for (let n = 1; n <= 30; n++) await pub.publishAsync(`sr/${id}`, JSON.stringify({ n }), { qos: 1 });
  await eventually(async () => (await status())[`sink_rest_0_0_records_in_total`] === 30, 'all results reached the sink');
  await eventually(() => endpoint.refused > 0, 'a refused send');
  await oort.stop(); // graceful: the cache keeps what was not sent
  endpoint.failing = false;
  oort = await startOort({ dataDir, env });
  await eventually(async () => (await status())[`source_sr_${id}_0_connection_status`] === 1, 'source connected again');
  for (let n = 31; n <= 40; n++) await pub.publishAsync(`sr/${id}`, JSON.stringify({ n }), { qos: 1 });
  await eventually(() => endpoint.bodies.length >= 40, '40 results', 30000).catch((e: Error) => {
    throw new Error(`${e.message}: got ${endpoint.bodies.length}`);
  });
  await sleep(300);
  assert.deepEqual(endpoint.bodies.map((b) => (JSON.parse(b) as { n: number }).n), Array.from({ length: 40 }, (_, i) => i + 1));
});
