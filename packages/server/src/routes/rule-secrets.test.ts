import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, defaultConfig } from '@oort/engine';
import { buildApp } from '../app.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test('GET /rules/{id} and the ruleset export mask action passwords; a PUT of the masked rule keeps them', async (t) => {
  const config = defaultConfig();
  config.store.type = 'memory';
  config.mqtt.broker = 'off';
  const engine = await Engine.open({ dataDir: mkdtempSync(join(tmpdir(), 'oort-secrets-')), config, logger: quiet });
  const app = buildApp(engine, config, { log: quiet });
  t.after(() => engine.close());
  await app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM s () WITH (DATASOURCE="s", TYPE="memory")' } });
  const rule = { id: 'r1', sql: 'SELECT * FROM s', triggered: false, actions: [{ mqtt: { server: 'tcp://127.0.0.1:1', topic: 't', username: 'u', password: 'hunter2' } }] };
  assert.equal((await app.inject({ method: 'POST', url: '/rules', payload: rule })).statusCode, 201);
  const shown = (await app.inject({ method: 'GET', url: '/rules/r1' })).json();
  assert.equal(shown.actions[0].mqtt.password, '******');
  assert.equal(shown.actions[0].mqtt.username, 'u');
  const exported = JSON.parse((await app.inject({ method: 'POST', url: '/ruleset/export' })).body);
  assert.doesNotMatch(exported.rules.r1, /hunter2/);
  shown.actions[0].mqtt.topic = 't2';
  assert.equal((await app.inject({ method: 'PUT', url: '/rules/r1', payload: shown })).statusCode, 200);
  const stored = engine['rules'].get('r1') as { actions: { mqtt: { password: string; topic: string } }[] };
  assert.equal(stored.actions[0]!.mqtt.password, 'hunter2');
  assert.equal(stored.actions[0]!.mqtt.topic, 't2');
});
