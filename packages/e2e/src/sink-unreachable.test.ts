import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, eventually, freePort, startOort, tempDir, uid } from './harness.js';

test('a sink that cannot connect retries with backoff; the rule and the server keep running', async (t) => {
  const dead = await freePort();
  const id = uid();
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__BROKER: 'off' } });
  t.after(() => oort.stop());
  await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM s_${id} () WITH (DATASOURCE="s/${id}", TYPE="memory")` });
  const r = await call(oort.url, 'POST', '/rules', {
    id: `r_${id}`,
    sql: `SELECT * FROM s_${id}`,
    actions: [{ mqtt: { server: `tcp://127.0.0.1:${dead}`, topic: 'x', connectTimeout: 500 } }, { log: {} }],
  });
  assert.equal(r.status, 201, r.text);
  const st = await eventually(async () => {
    const s = (await call(oort.url, 'GET', `/rules/r_${id}/status`)).json();
    const down = s[`sink_mqtt_0_0_connection_status`] === -1 && /cannot connect/.test(s[`sink_mqtt_0_0_connection_last_disconnected_message`]);
    return down ? s : undefined;
  }, 'the sink to report it is disconnected');
  assert.equal(st.status, 'running');
  // the log sink of the same rule is unaffected
  assert.equal(st[`sink_log_1_0_connection_status`], 1);
  assert.equal((await call(oort.url, 'GET', '/ping')).status, 200);
});
