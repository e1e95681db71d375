import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from './harness.js';

/** eKuiper's getting-started flow against the real server and the machine's Mosquitto. */
test('getting started: 1,000 MQTT messages, only matching results reach MQTT and the file, metrics agree, rule survives a restart', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const dataDir = tempDir();
  const outFile = join(dataDir, `result-${id}.txt`);
  const env = { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' };
  let oort = await startOort({ dataDir, env });
  t.after(() => oort.stop());

  let r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM demo_${id} () WITH (DATASOURCE="demo/${id}", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.text, `Stream demo_${id} is created.`);

  const rule = {
    id: `rule_${id}`,
    sql: `SELECT temperature, humidity FROM demo_${id} WHERE temperature > 50`,
    actions: [
      { mqtt: { server: 'tcp://127.0.0.1:1883', topic: `result/${id}`, sendSingle: true } },
      { log: {} },
      { file: { path: outFile, sendSingle: true } },
    ],
  };
  r = await call(oort.url, 'POST', '/rules', rule);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.text, `Rule rule_${id} was created successfully.`);
  await eventually(async () => (await call(oort.url, 'GET', `/rules/rule_${id}/status`)).json().status === 'running', 'rule running');

  const received: { temperature: number; humidity: number }[] = [];
  const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `sub-${id}` });
  t.after(() => sub.endAsync());
  sub.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
  await sub.subscribeAsync(`result/${id}`, { qos: 1 });
  // the rule's MQTT source subscribes asynchronously: wait until it is connected
  await eventually(async () => (await call(oort.url, 'GET', `/rules/rule_${id}/status`)).json()[`source_demo_${id}_0_connection_status`] === 1, 'source connected');

  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `pub-${id}` });
  t.after(() => pub.endAsync());
  const sent: { temperature: number; humidity: number }[] = [];
  for (let i = 0; i < 1000; i++) {
    const msg = { temperature: (i * 37) % 101, humidity: i % 100 };
    sent.push(msg);
    await pub.publishAsync(`demo/${id}`, JSON.stringify(msg), { qos: 1 });
  }
  const expected = sent.filter((m) => m.temperature > 50);
  await eventually(() => received.length >= expected.length, `${expected.length} results on MQTT (got ${received.length})`, 30000);
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(received, expected);

  await eventually(() => existsSync(outFile) && readFileSync(outFile, 'utf8').trim().split('\n').length >= expected.length, 'file results');
  const lines = readFileSync(outFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, expected);

  const status = (await call(oort.url, 'GET', `/rules/rule_${id}/status`)).json();
  assert.equal(status[`source_demo_${id}_0_records_in_total`], 1000);
  assert.equal(status[`op_2_filter_0_records_in_total`], 1000);
  assert.equal(status[`op_2_filter_0_records_out_total`], expected.length);
  assert.equal(status[`op_3_project_0_records_out_total`], expected.length);
  assert.equal(status[`sink_mqtt_0_0_records_out_total`], expected.length);
  assert.equal(status[`sink_file_2_0_records_out_total`], expected.length);
  assert.equal(status[`sink_log_1_0_records_out_total`], expected.length);
  assert.equal(status[`op_2_filter_0_exceptions_total`], 0);

  // restart the server: the rule comes back running
  await oort.stop();
  oort = await startOort({ dataDir, env });
  await eventually(async () => (await call(oort.url, 'GET', `/rules/rule_${id}/status`)).json().status === 'running', 'rule running after restart');
  r = await call(oort.url, 'GET', '/rules');
  assert.ok(r.json().some((x: { id: string; status: string }) => x.id === `rule_${id}` && x.status === 'running'));
  r = await call(oort.url, 'GET', `/streams/demo_${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json().Name, `demo_${id}`);
});

test('bad SQL is refused with a 400 naming the position; an unknown rule is a 404', async (t) => {
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__BROKER: 'off' } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'POST', '/streams', { sql: 'CREATE STREAM x () WITH (DATASOURCE="x", FORMAT="json")' });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', { id: 'bad1', sql: 'SELECT FROM x', actions: [{ log: {} }] });
  assert.equal(r.status, 400);
  const body = r.json();
  assert.equal(body.error, 2001);
  assert.match(body.message, /line 1, column 8/);
  r = await call(oort.url, 'GET', '/rules/nope/status');
  assert.equal(r.status, 404);
  assert.equal(r.json().error, 1002);
});
