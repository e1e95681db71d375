import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '@oort/sdk';
import { Engine } from '../../engine.js';
import { defaultConfig } from '../../config/index.js';
import { memoryBus } from '../../connectors/memory/bus.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test('a running rule joins its stream with a memory lookup table filled by another publisher', async (t) => {
  const config = defaultConfig();
  config.store.type = 'memory';
  config.mqtt.broker = 'off';
  const engine = await Engine.open({ dataDir: mkdtempSync(join(tmpdir(), 'oort-lookup-')), config, logger: quiet });
  t.after(() => engine.close());
  const id = Math.random().toString(36).slice(2, 8);
  engine.createStream(`CREATE STREAM s_${id} () WITH (DATASOURCE="in/${id}", TYPE="memory")`);
  engine.createStream(`CREATE TABLE dev_${id} () WITH (DATASOURCE="dev/${id}", TYPE="memory", KIND="lookup", KEY="id")`);
  const out: Row[] = [];
  const stop = memoryBus.subscribe(`out/${id}`, (_topic, rows) => out.push(...rows));
  t.after(() => stop());
  engine.createRule({
    id: `r_${id}`,
    sql: `SELECT s_${id}.v, dev_${id}.name FROM s_${id} LEFT JOIN dev_${id} ON s_${id}.id = dev_${id}.id`,
    actions: [{ memory: { topic: `out/${id}` } }],
  });
  for (let i = 0; i < 50 && engine.ruleStatus(`r_${id}`).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(engine.ruleStatus(`r_${id}`).status, 'running', String(engine.ruleStatus(`r_${id}`).message));
  memoryBus.publish(`dev/${id}`, [{ id: 1, name: 'pump' }, { id: 2, name: 'fan' }]);
  memoryBus.publish(`in/${id}`, [{ id: 2, v: 'a' }, { id: 7, v: 'b' }, { id: 1, v: 'c' }]);
  for (let i = 0; i < 100 && out.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(out, [{ v: 'a', name: 'fan' }, { v: 'b' }, { v: 'c', name: 'pump' }]);
});
