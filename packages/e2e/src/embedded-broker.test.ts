import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, freePort, startOort, tempDir, uid } from './harness.js';

test('with no broker at the configured address the server embeds one, and the getting-started rule works on it', async (t) => {
  const port = await freePort();
  const id = uid();
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: `tcp://127.0.0.1:${port}`, OORT__MQTT__BROKER: 'auto' } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM demo_${id} () WITH (DATASOURCE="demo", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  // no server property anywhere: sources and sinks use the configured (embedded) broker
  r = await call(oort.url, 'POST', '/rules', {
    id: `r_${id}`,
    sql: `SELECT temperature, humidity FROM demo_${id} WHERE temperature > 50`,
    actions: [{ mqtt: { topic: 'result', sendSingle: true } }, { log: {} }],
  });
  assert.equal(r.status, 201, r.text);
  await eventually(async () => (await call(oort.url, 'GET', `/rules/r_${id}/status`)).json()[`source_demo_${id}_0_connection_status`] === 1, 'source connected to the embedded broker');
  const got: unknown[] = [];
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  t.after(() => sub.endAsync());
  sub.on('message', (_t, p) => got.push(JSON.parse(p.toString())));
  await sub.subscribeAsync('result', { qos: 1 });
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  t.after(() => pub.endAsync());
  for (const temperature of [10, 60, 51, 50, 99]) {
    await pub.publishAsync('demo', JSON.stringify({ temperature, humidity: 40 }), { qos: 1 });
  }
  await eventually(() => got.length >= 3, 'three results');
  assert.deepEqual(got, [
    { temperature: 60, humidity: 40 },
    { temperature: 51, humidity: 40 },
    { temperature: 99, humidity: 40 },
  ]);
});
