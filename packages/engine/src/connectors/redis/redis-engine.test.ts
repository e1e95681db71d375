import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '@oort/sdk/testing';
import { Redis } from 'ioredis';
import { defaultConfig } from '../../config/index.js';
import { openEngine, type Engine } from '../../engine.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const admin = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
admin.on('error', () => {});
let down: string | false = false;
try {
  await admin.connect();
} catch (e) {
  down = `Redis on 127.0.0.1:6379 is down (${(e as Error).message})`;
  if (process.env.CI === 'true') throw new Error(`${down}; CI=true requires it`);
}

describe('redis connectors in an engine', { skip: down }, () => {
  const work = mkdtempSync(join(tmpdir(), 'oort-redis-engine-'));
  const tag = `oort_test:${randomUUID().slice(0, 8)}`;
  let engine: Engine | undefined;

  after(async () => {
    for (const r of engine?.listRules() ?? []) await engine!.deleteRule(r.id);
    await engine?.close();
    const keys = await admin.keys(`${tag}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a redisSub stream and writes each row under its id with the redis sink', async () => {
    const config = defaultConfig();
    config.mqtt.broker = 'off';
    engine = await openEngine({ dataDir: join(work, 'data'), config, logger: quiet });
    // the catalog lower-cases stream TYPEs, so the conf key lives under `redissub`
    engine.putConfKey('sources', 'redissub', 'local', { address: '127.0.0.1:6379', channels: [`${tag}/in/*`] });
    engine.createStream('CREATE STREAM rin () WITH (TYPE="redisSub", CONF_KEY="local", FORMAT="json")');
    engine.createRule({
      id: `redis_copy_${tag.slice(-8)}`,
      sql: `SELECT concat("${tag}/out/", id) AS k, v, meta(channel) AS ch FROM rin`,
      actions: [{ redis: { addr: '127.0.0.1:6379', field: 'k', sendSingle: true } }],
    });
    await engine.startRule(`redis_copy_${tag.slice(-8)}`);
    // the subscription is made in the background: publish until a subscriber hears it
    await waitFor(async () => (await admin.publish(`${tag}/in/a`, '{"id":"1","v":5}')) > 0, 5000, 'the redisSub subscription');
    await waitFor(async () => (await admin.get(`${tag}/out/1`)) !== null, 5000, 'the written key');
    assert.deepEqual(JSON.parse((await admin.get(`${tag}/out/1`))!), { k: `${tag}/out/1`, v: 5, ch: `${tag}/in/a` });
  });
});
