import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from './harness.js';

test('malformed messages are counted and reported while the rule keeps producing results', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());
  await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM bad_${id} () WITH (DATASOURCE="bad/${id}", FORMAT="json")` });
  const r = await call(oort.url, 'POST', '/rules', {
    id: `bad_${id}`,
    sql: `SELECT a / b AS q FROM bad_${id}`,
    actions: [{ mqtt: { topic: `bad/out/${id}`, sendSingle: true } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/bad_${id}/status`)).json();
  await eventually(async () => (await status())[`source_bad_${id}_0_connection_status`] === 1, 'source connected');
  const got: unknown[] = [];
  const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => sub.endAsync());
  sub.on('message', (_t, p) => got.push(JSON.parse(p.toString())));
  await sub.subscribeAsync(`bad/out/${id}`, { qos: 1 });
  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  const payloads = ['{"a": 6, "b": 3}', '{not json', '[1, 2', '{"a": 1, "b": 0}', '{"a": "x", "b": 1}', '{"a": 9, "b": 3}'];
  for (const p of payloads) await pub.publishAsync(`bad/${id}`, p, { qos: 1 });
  await eventually(() => got.length >= 2, 'two valid results');
  assert.deepEqual(got, [{ q: 2 }, { q: 3 }]);
  const s = await eventually(async () => {
    const st = await status();
    return st[`op_2_project_0_exceptions_total`] === 2 ? st : undefined;
  }, 'evaluation errors counted');
  assert.equal(s.status, 'running');
  assert.equal(s[`op_1_decoder_0_exceptions_total`], 2);
  assert.match(String(s[`op_1_decoder_0_last_exception`]), /JSON|json|Unexpected|position/);
  assert.match(String(s[`op_2_project_0_last_exception`]), /divided by zero|invalid operation/);
  const all = (await call(oort.url, 'GET', '/rules/status/all')).json();
  assert.equal(all[`bad_${id}`].status, 'running');
  assert.equal(all[`bad_${id}`].exceptions_total, 4);
});
