import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from './harness.js';

test('two rules piped through a memory topic', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());
  const ok = async (method: string, path: string, body: unknown) => {
    const r = await call(oort.url, method, path, body);
    assert.ok(r.status < 300, `${path}: ${r.status} ${r.text}`);
  };
  await ok('POST', '/streams', { sql: `CREATE STREAM in_${id} () WITH (DATASOURCE="pipe/in/${id}", FORMAT="json")` });
  await ok('POST', '/streams', { sql: `CREATE STREAM mid_${id} () WITH (DATASOURCE="mem/${id}/+", TYPE="memory")` });
  await ok('POST', '/rules', { id: `a_${id}`, sql: `SELECT v * 2 AS v2 FROM in_${id}`, actions: [{ memory: { topic: `mem/${id}/doubled` } }] });
  await ok('POST', '/rules', {
    id: `b_${id}`,
    sql: `SELECT v2 + 1 AS v3, meta(topic) AS t FROM mid_${id} WHERE v2 > 4`,
    actions: [{ mqtt: { server: 'tcp://127.0.0.1:1883', topic: `pipe/out/${id}`, sendSingle: true } }],
  });
  for (const r of [`a_${id}`, `b_${id}`]) {
    await eventually(async () => (await call(oort.url, 'GET', `/rules/${r}/status`)).json().status === 'running', `${r} running`);
  }
  await eventually(async () => (await call(oort.url, 'GET', `/rules/a_${id}/status`)).json()[`source_in_${id}_0_connection_status`] === 1, 'source connected');
  const got: unknown[] = [];
  const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => sub.endAsync());
  sub.on('message', (_t, p) => got.push(JSON.parse(p.toString())));
  await sub.subscribeAsync(`pipe/out/${id}`, { qos: 1 });
  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  for (let v = 1; v <= 5; v++) await pub.publishAsync(`pipe/in/${id}`, JSON.stringify({ v }), { qos: 1 });
  await eventually(() => got.length >= 3, 'three piped results');
  assert.deepEqual(got, [
    { v3: 7, t: `mem/${id}/doubled` },
    { v3: 9, t: `mem/${id}/doubled` },
    { v3: 11, t: `mem/${id}/doubled` },
  ]);
});
