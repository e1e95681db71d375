/**
 * The Kuiper plugin tutorial over REST against a real `oort server`: pack the MySQL sink with
 * the dev kit, serve it over HTTP, POST /plugins/sinks, run the tutorial's rule, find the rows
 * in MariaDB, then PUT version 1.1.0 while messages flow: no restart, nothing lost or doubled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { call, eventually, requireService, startOort, tempDir, uid } from './harness.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/plugins/mysql-sink/', import.meta.url));
// inside the repository, so the copied example resolves @oort/sdk and mysql2 from node_modules
const SCRATCH_PARENT = fileURLToPath(new URL('./', import.meta.url));

test('plugin tutorial over REST: deploy the MySQL sink by URL, rows reach MariaDB, 1.1.0 is swapped in live', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  if (!(await requireService(t, 'MariaDB', 3306))) return;
  const { packPlugin } = (await import(new URL('../../cli/dist/plugin/pack.js', import.meta.url).href)) as {
    packPlugin(dir: string, out: string): Promise<{ manifest: { version: string } }>;
  };
  const id = uid();
  const table = `oort_rest_tutorial_${id}`;
  const scratch = mkdtempSync(join(SCRATCH_PARENT, `.tutorial-${id}-`));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const www = join(scratch, 'www');
  mkdirSync(www);
  for (const v of ['1.0.0', '1.1.0']) {
    const dir = join(scratch, v);
    cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !s.includes('/dist') });
    const pkg = join(dir, 'package.json');
    writeFileSync(pkg, JSON.stringify({ ...JSON.parse(readFileSync(pkg, 'utf8')), version: v }));
    const r = await packPlugin(dir, join(www, v === '1.0.0' ? 'mysqlSink.zip' : 'mysqlSink-1.1.0.zip'));
    assert.equal(r.manifest.version, v);
  }
  const files = createServer((req, res) => {
    try {
      res.writeHead(200, { 'content-type': 'application/zip' }).end(readFileSync(join(www, decodeURIComponent(req.url!.slice(1)))));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  t.after(() => files.close());
  const zipBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  const db = await createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  t.after(async () => {
    await db.query('DROP TABLE IF EXISTS ??', [table]);
    await db.end();
  });
  await db.query('CREATE TABLE ?? (id BIGINT, phase VARCHAR(16))', [table]);
  const count = async (phase: string) => {
    const [[r]] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ?? WHERE phase = ?', [table, phase]);
    return { n: Number(r!.n), distinct: Number(r!.d) };
  };

  const oort = await startOort({ dataDir: tempDir(), env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());

  let r = await call(oort.url, 'POST', '/plugins/sinks', { name: 'mysql', file: `${zipBase}/mysqlSink.zip` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'GET', '/plugins/sinks/mysql');
  assert.deepEqual(r.json(), { name: 'mysql', version: '1.0.0' });

  r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM demo_${id} () WITH (DATASOURCE="tutorial/${id}", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  // the tutorial's rule, both actions in one object as it writes them
  r = await call(oort.url, 'POST', '/rules', {
    id: `ruleTest_${id}`,
    sql: `SELECT * FROM demo_${id}`,
    actions: [{ log: {}, mysql: { url: 'root@tcp(127.0.0.1:3306)/test', table } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/ruleTest_${id}/status`)).json();
  await eventually(async () => (await status())[`source_demo_${id}_0_connection_status`] === 1, 'source connected');
  const started = (await status()).lastStartTimestamp;

  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  const publish = (n: number, phase: string) => pub.publishAsync(`tutorial/${id}`, JSON.stringify({ id: n, phase }), { qos: 1 });
  for (let i = 0; i < 100; i++) await publish(i, 'v1');
  await eventually(async () => (await count('v1')).n >= 100, '100 rows from version 1.0.0');
  assert.deepEqual(await count('v1'), { n: 100, distinct: 100 });

  let sent = 0;
  let flowing = true;
  const flow = (async () => {
    while (flowing) {
      await publish(sent++, 'swap');
      await new Promise((res) => setTimeout(res, 2));
    }
  })();
  await eventually(async () => (await count('swap')).n > 20, 'rows before the update');
  r = await call(oort.url, 'PUT', '/plugins/sinks/mysql', { name: 'mysql', file: `${zipBase}/mysqlSink-1.1.0.zip` });
  assert.equal(r.status, 200, r.text);
  await new Promise((res) => setTimeout(res, 300));
  flowing = false;
  await flow;
  await eventually(async () => (await count('swap')).n >= sent, `all ${sent} rows across the swap`);
  assert.deepEqual(await count('swap'), { n: sent, distinct: sent });
  r = await call(oort.url, 'GET', '/plugins/sinks/mysql');
  assert.deepEqual(r.json(), { name: 'mysql', version: '1.1.0' });
  const after = await status();
  assert.equal(after.status, 'running');
  assert.equal(after.lastStartTimestamp, started, 'the rule was not restarted');
});
