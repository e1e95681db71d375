import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { call, eventually, requireService, startOort, tempDir, uid } from '../harness.js';

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObj = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** The malformed payload number `i` and whether the decoder must refuse it (bad JSON, not an object, or nested beyond what the decoder takes). */
function malformed(i: number): { payload: string | Buffer; badJson: boolean } {
  switch (i % 8) {
    case 0: return { payload: '{not json', badJson: true };
    case 1: return { payload: '[1, 2', badJson: true };
    case 2: return { payload: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]), badJson: true };
    case 3: return { payload: `{"n": "x${i}", "v": {"deep": true}, "valid": true}`, badJson: false }; // wrong types: v * 2 fails
    case 4: return { payload: `{"n": ${i}.5e400, "v": "12"}`, badJson: false };
    case 5: return { payload: i % 400 === 5 ? deep(100000) : deepObj(2000), badJson: i % 400 === 5 };
    case 6: return { payload: '"just a string"', badJson: true }; // not an object
    default: return { payload: '', badJson: true };
  }
}

test('10,000 malformed messages among valid ones: valid results exact, errors counted, memory bounded, rule running', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  const id = uid();
  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM mf_${id} () WITH (DATASOURCE="mf/in/${id}", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', {
    id: `mf_${id}`,
    sql: `SELECT n, v * 2 AS d FROM mf_${id} WHERE valid = true`,
    actions: [{ mqtt: { topic: `mf/out/${id}`, qos: 1, sendSingle: true } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/mf_${id}/status`)).json();
  await eventually(async () => (await status())[`source_mf_${id}_0_connection_status`] === 1, 'source connected');

  const got: { n: number; d: number }[] = [];
  const sub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => sub.endAsync());
  sub.on('message', (_t, p) => got.push(JSON.parse(p.toString()) as { n: number; d: number }));
  await sub.subscribeAsync(`mf/out/${id}`, { qos: 1 });
  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());

  const pid = oort.child.pid!;
  const baseline = rssMb(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  t.after(() => clearInterval(sampler));

  const bad = 10000;
  const big = 20; // 5 MB payloads (Mosquitto's default message_size_limit accepts them)
  const huge = Buffer.alloc(5 * 1024 * 1024, 'x');
  const hugeValidJson = `{"n": -1, "v": 1, "blob": "${'y'.repeat(5 * 1024 * 1024)}"}`;
  let badJson = 0;
  let valid = 0;
  let sent = 0;
  const send = (p: string | Buffer) => {
    sent++;
    pub.publish(`mf/in/${id}`, p, { qos: 1 });
  };
  for (let i = 0; i < bad; i++) {
    if (i % 10 === 0) {
      valid++;
      send(JSON.stringify({ n: valid, v: valid, valid: true }));
    }
    const m = malformed(i);
    if (m.badJson) badJson++;
    send(m.payload);
    if (i % 500 === 0 && i / 500 < big) {
      // alternately 5 MB of garbage and 5 MB of JSON without `valid`
      send(i % 1000 === 0 ? huge : hugeValidJson);
      if (i % 1000 === 0) badJson++;
    }
    if (i % 250 === 249) {
      // Mosquitto drops what exceeds a client's queue (max_queued_messages): let the source catch up
      await eventually(async () => (await status())[`source_mf_${id}_0_records_in_total`] >= sent, 'source caught up', 20000);
    }
  }
  const expected = Array.from({ length: valid }, (_, i) => ({ n: i + 1, d: 2 * (i + 1) }));
  await eventually(() => got.length >= valid, `${valid} valid results`, 40000).catch(async (e: Error) => {
    throw new Error(`${e.message} (got ${got.length}); status ${JSON.stringify(await status())}`);
  });
  const s = await eventually(async () => {
    const st = await status();
    return st[`op_1_decoder_0_exceptions_total`] >= badJson ? st : undefined;
  }, `${badJson} decode errors counted`, 20000);
  assert.deepEqual(got.sort((a, b) => a.n - b.n), expected, 'valid results exact');
  assert.equal(s.status, 'running');
  assert.equal(s[`op_1_decoder_0_exceptions_total`], badJson);
  assert.equal(s[`op_3_project_0_exceptions_total`], bad / 8, 'each wrong-typed message is one evaluation error');
  clearInterval(sampler);
  t.diagnostic(`rss baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB; ${badJson} undecodable, ${valid} valid`);
  assert.ok(peak < baseline + 400, `server RSS grew from ${baseline.toFixed(0)} to ${peak.toFixed(0)} MB`);
  assert.equal((await call(oort.url, 'GET', '/ping')).status, 200);
});
