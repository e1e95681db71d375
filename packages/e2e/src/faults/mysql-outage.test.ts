import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { call, eventually, OORT_BIN, requireService, startOort, tempDir, uid } from '../harness.js';
import { TcpProxy } from './tcp-proxy.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Packs examples/plugins/mysql-sink with the dev kit into `out` (from a scratch copy, so the example's dist/ is untouched). */
function packMysqlSink(out: string): void {
  // inside the repository (git-ignored) so the bundler resolves mysql2 from the root node_modules
  const scratch = join(ROOT, 'packages/e2e/.oort-test', `mysql-${uid()}`);
  cpSync(join(ROOT, 'examples/plugins/mysql-sink'), scratch, { recursive: true, filter: (s) => !s.includes('/dist') });
  try {
    execFileSync(process.execPath, [OORT_BIN, 'plugin', 'pack', '--dir', scratch, '--out', out], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('MariaDB cut off behind a proxy for several seconds still gets every row, in order, once', async (t) => {
  if (!(await requireService(t, 'Mosquitto', 1883))) return;
  if (!(await requireService(t, 'MariaDB', 3306))) return;
  const id = uid();
  const table = `oort_fault_${id}`;
  const db = await createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  t.after(async () => {
    await db.query('DROP TABLE IF EXISTS ??', [table]);
    await db.end();
  });
  // UNIQUE(n) makes the sink idempotent: a resent INSERT whose acknowledgement the cut lost is refused, not doubled
  await db.query('CREATE TABLE ?? (seq INT AUTO_INCREMENT PRIMARY KEY, n BIGINT NOT NULL, UNIQUE KEY (n))', [table]);
  const proxy = await new TcpProxy({ port: 3306 }).start();
  t.after(() => proxy.close());

  const dataDir = tempDir();
  mkdirSync(join(dataDir, 'uploads'), { recursive: true });
  const zip = join(dataDir, 'uploads', 'mysql.zip');
  packMysqlSink(zip);
  const oort = await startOort({ dataDir, env: { OORT__MQTT__SERVER: 'tcp://127.0.0.1:1883' } });
  t.after(() => oort.stop());
  let r = await call(oort.url, 'POST', '/plugins/sinks', { name: 'mysql', file: `file://${zip}` });
  assert.ok(r.status < 300, r.text);
  r = await call(oort.url, 'POST', '/streams', { sql: `CREATE STREAM mo_${id} () WITH (DATASOURCE="mo/${id}", FORMAT="json")` });
  assert.equal(r.status, 201, r.text);
  r = await call(oort.url, 'POST', '/rules', {
    id: `mo_${id}`,
    sql: `SELECT n FROM mo_${id}`,
    actions: [{ mysql: { url: `root@tcp(127.0.0.1:${proxy.port})/test?timeout=2s`, table, fields: ['n'] } }],
  });
  assert.equal(r.status, 201, r.text);
  const status = async () => (await call(oort.url, 'GET', `/rules/mo_${id}/status`)).json();
  await eventually(async () => (await status())[`source_mo_${id}_0_connection_status`] === 1, 'source connected');

  const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  t.after(() => pub.endAsync());
  const total = 100;
  for (let n = 1; n <= total; n++) {
    if (n === 21) proxy.cut(); // about 6 s without the database
    if (n === 81) proxy.restore();
    await pub.publishAsync(`mo/${id}`, JSON.stringify({ n }), { qos: 1 });
    await sleep(n > 20 && n <= 80 ? 100 : 5);
  }
  const rows = async () => (await db.query<RowDataPacket[]>('SELECT n FROM ?? ORDER BY seq', [table]))[0].map((x) => Number(x.n));
  await eventually(async () => (await rows()).length >= total, `${total} rows in MariaDB`, 45000);
  assert.deepEqual(await rows(), Array.from({ length: total }, (_, i) => i + 1), 'in order, none missing');
  const s = await status();
  assert.equal(s.status, 'running');
  assert.ok((s[`sink_mysql_0_0_exceptions_total`] as number) > 0, 'the outage was seen by the sink');
});
