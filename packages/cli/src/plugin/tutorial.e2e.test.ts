/**
 * EMQ's Kuiper plugin tutorial, end to end, with the real pieces: the MySQL sink example is
 * packed by the dev kit, served over HTTP on 127.0.0.1, installed into an engine, used by the
 * tutorial's rule fed over MQTT, checked in MariaDB, then replaced by version 1.1.0 while
 * messages keep flowing: no restart, no row lost or doubled.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { defaultConfig, openEngine, type Engine } from '@oort/engine';
import { packPlugin } from './pack.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/plugins/mysql-sink/', import.meta.url));
// Scratch space inside the repository, so the copied example still resolves mysql2 from the root node_modules.
const SCRATCH_PARENT = fileURLToPath(new URL('../', import.meta.url));
const quiet = process.env.OORT_TUTORIAL_LOG ? { debug() {}, info: console.log, warn: console.log, error: console.log } : { debug() {}, info() {}, warn() {}, error() {} };

async function servicesMissing(): Promise<string | false> {
  const problems: string[] = [];
  try {
    const c = await createConnection({ host: '127.0.0.1', user: 'root', database: 'test', connectTimeout: 2000 });
    await c.end();
  } catch (err) {
    problems.push(`MariaDB on 127.0.0.1:3306: ${(err as Error).message}`);
  }
  try {
    const c = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { connectTimeout: 2000, reconnectPeriod: 0 });
    await c.endAsync();
  } catch (err) {
    problems.push(`MQTT on 127.0.0.1:1883: ${(err as Error).message}`);
  }
  if (problems.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(problems.join('; '));
  return `services unreachable: ${problems.join('; ')}`;
}
const skip = await servicesMissing();

async function eventually(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the Kuiper MySQL plugin tutorial, done in Oort', { skip }, () => {
  const tag = randomBytes(4).toString('hex');
  const table = `oort_tutorial_${tag}`;
  const topic = `oort/tutorial/${tag}`;
  const scratch = mkdtempSync(join(SCRATCH_PARENT, `.tutorial-${tag}-`));
  const files = join(scratch, 'www');
  let http: Server;
  let base = '';
  let engine: Engine;
  let db: Connection;
  let pub: MqttClient;

  before(async () => {
    cpSync(EXAMPLE, join(scratch, 'v1.0.0'), { recursive: true, filter: (s) => !s.includes('/dist') });
    cpSync(EXAMPLE, join(scratch, 'v1.1.0'), { recursive: true, filter: (s) => !s.includes('/dist') });
    const pkgPath = join(scratch, 'v1.1.0', 'package.json');
    writeFileSync(pkgPath, JSON.stringify({ ...JSON.parse(readFileSync(pkgPath, 'utf8')), version: '1.1.0' }));
    mkdirSync(files);
    http = createServer((req, res) => {
      try {
        const body = readFileSync(join(files, decodeURIComponent(req.url!.slice(1))));
        res.writeHead(200, { 'content-type': 'application/zip' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    db = await createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
    await db.query('CREATE TABLE ?? (id BIGINT, phase VARCHAR(16))', [table]);
    const config = defaultConfig();
    config.mqtt.broker = 'off';
    engine = await openEngine({ dataDir: join(scratch, 'data'), config, logger: quiet });
    pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  });

  after(async () => {
    await engine?.close();
    await pub?.endAsync();
    await db?.query('DROP TABLE IF EXISTS ??', [table]);
    await db?.end();
    http?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const count = async (phase: string): Promise<{ n: number; distinct: number }> => {
    const [[r]] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ?? WHERE phase = ?', [table, phase]);
    return { n: Number(r!.n), distinct: Number(r!.d) };
  };
  const publish = (id: number, phase: string) => pub.publishAsync(topic, JSON.stringify({ id, phase }), { qos: 1 });

  it('packs the sink with the dev kit as mysqlSink.zip', async () => {
    const r = await packPlugin(join(scratch, 'v1.0.0'), join(files, 'mysqlSink.zip'));
    assert.equal(r.manifest.version, '1.0.0');
    assert.deepEqual(r.manifest.sinks, ['mysql']);
  });

  it('installs it by URL: POST /plugins/sinks {"name":"mysql","file":".../mysqlSink.zip"}', async () => {
    await engine.plugins.install('sinks', { name: 'mysql', file: `${base}/mysqlSink.zip` });
    assert.deepEqual(engine.plugins.get('sinks', 'mysql'), { name: 'mysql', version: '1.0.0' });
  });

  it('runs the tutorial rule and finds every published row in MariaDB', async () => {
    engine.createStream(`CREATE STREAM demo_${tag} () WITH (DATASOURCE="${topic}", FORMAT="json")`);
    engine.createRule({
      id: `ruleTest_${tag}`,
      sql: `SELECT * FROM demo_${tag}`,
      actions: [{ log: {}, mysql: { url: 'root@tcp(127.0.0.1:3306)/test', table } }],
    });
    // The subscription is up once a warm-up message makes it through.
    let w = 0;
    await eventually(async () => (await publish(w++, 'warm'), (await count('warm')).n > 0), 15_000, 'the first row').catch((e: Error) => {
      throw new Error(`${e.message}; rule status ${JSON.stringify(engine.ruleStatus(`ruleTest_${tag}`))}`);
    });
    for (let i = 0; i < 100; i++) await publish(i, 'main');
    await eventually(async () => (await count('main')).n >= 100, 15_000, '100 rows');
    assert.deepEqual(await count('main'), { n: 100, distinct: 100 });
  });

  it('swaps in version 1.1.0 while messages flow, losing and doubling nothing', async () => {
    const r = await packPlugin(join(scratch, 'v1.1.0'), join(files, 'mysqlSink-1.1.0.zip'));
    assert.equal(r.manifest.version, '1.1.0');
    let sent = 0;
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await publish(sent++, 'swap');
        await new Promise((res) => setTimeout(res, 2));
      }
    })();
    await eventually(async () => (await count('swap')).n > 20, 15_000, 'rows before the swap');
    await engine.plugins.update('sinks', 'mysql', { name: 'mysql', file: `${base}/mysqlSink-1.1.0.zip` });
    assert.deepEqual(engine.plugins.get('sinks', 'mysql'), { name: 'mysql', version: '1.1.0' });
    const atSwap = sent;
    await eventually(async () => sent > atSwap + 100, 15_000, '100 messages after the swap');
    flowing = false;
    await flow;
    await eventually(async () => (await count('swap')).n >= sent, 15_000, `all ${sent} rows`);
    await new Promise((res) => setTimeout(res, 200)); // a doubled row would land now
    assert.deepEqual(await count('swap'), { n: sent, distinct: sent });
    const status = engine.ruleStatus(`ruleTest_${tag}`);
    assert.equal(status.status, 'running');
  });

  it('moves the sink into a worker thread with a PUT, still writing every row', async () => {
    await engine.plugins.update('sinks', 'mysql', { name: 'mysql', file: `${base}/mysqlSink-1.1.0.zip`, isolation: 'worker' });
    for (let i = 0; i < 50; i++) await publish(i, 'worker');
    await eventually(async () => (await count('worker')).n >= 50, 15_000, '50 rows through the worker');
    assert.deepEqual(await count('worker'), { n: 50, distinct: 50 });
    const status = (engine.plugins as unknown as { status?(t: string, n: string): { isolation?: string; state?: string } }).status?.('sinks', 'mysql');
    if (status) assert.deepEqual([status.isolation, status.state], ['worker', 'running']);
  });
});
