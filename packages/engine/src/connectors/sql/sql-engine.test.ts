import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '@oort/sdk/testing';
import { defaultConfig } from '../../config/index.js';
import { openEngine, type Engine } from '../../engine.js';
import { parseDbUrl } from './db-url.js';
import { openDriver } from './sql-driver.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('sql connectors in an engine', () => {
  const work = mkdtempSync(join(tmpdir(), 'oort-sql-engine-'));
  const dburl = `sqlite:${join(work, 'app.db')}`;
  let engine: Engine | undefined;

  after(async () => {
    for (const r of engine?.listRules() ?? []) await engine!.deleteRule(r.id);
    await engine?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('copies new rows of a polled table into another table through a rule', async () => {
    const db = await openDriver(parseDbUrl(dburl));
    await db.execAll([
      { sql: 'CREATE TABLE readings (id INTEGER PRIMARY KEY, temp REAL)', params: [] },
      { sql: 'CREATE TABLE hot (id INTEGER, temp REAL)', params: [] },
      { sql: 'INSERT INTO readings VALUES (1, 20.5), (2, 31.5), (3, 35)', params: [] },
    ]);
    const config = defaultConfig();
    config.mqtt.broker = 'off';
    engine = await openEngine({ dataDir: join(work, 'data'), config, logger: quiet });
    engine.putConfKey('sources', 'sql', 'local', { dburl, interval: 20, internalSqlQueryCfg: { indexFields: [{ indexField: 'id', indexValue: 0 }] } });
    engine.createStream('CREATE STREAM readings () WITH (TYPE="sql", DATASOURCE="readings", CONF_KEY="local")');
    engine.createRule({ id: 'hot_copy', sql: 'SELECT id, temp FROM readings WHERE temp > 30', actions: [{ sql: { dburl, table: 'hot' } }] });
    await engine.startRule('hot_copy');
    await waitFor(async () => (await db.query('SELECT id FROM hot', [])).length === 2, 5000, 'two hot rows');
    await db.execAll([{ sql: 'INSERT INTO readings VALUES (4, 40)', params: [] }]);
    await waitFor(async () => (await db.query('SELECT id FROM hot', [])).length === 3, 5000, 'the new hot row');
    assert.deepEqual(await db.query('SELECT id, temp FROM hot ORDER BY id', []), [
      { id: 2n, temp: 31.5 },
      { id: 3n, temp: 35 },
      { id: 4n, temp: 40 },
    ]);
    await db.close();
  });
});
