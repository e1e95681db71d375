import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, defaultConfig } from '@oort/engine';
import { buildApp } from '../app.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function app() {
  const config = defaultConfig();
  config.store.type = 'memory';
  const engine = await Engine.open({ dataDir: mkdtempSync(join(tmpdir(), 'oort-rt-')), config, logger: quiet });
  return { app: buildApp(engine, config, { log: quiet }), engine };
}

test('POST /ruletest/run runs a rule over recorded events and returns every emission', async (t) => {
  const { app: a, engine } = await app();
  t.after(() => engine.close());
  const res = await a.inject({
    method: 'POST',
    url: '/ruletest/run',
    payload: {
      sql: 'SELECT temperature * 2 AS t2, meta(topic) AS topic FROM demo WHERE temperature > 50',
      streams: { demo: 'CREATE STREAM demo () WITH (DATASOURCE="demo", FORMAT="json")' },
      events: [
        { t: 1000, stream: 'demo', data: { temperature: 40 }, meta: { topic: 'a' } },
        { t: 2000, stream: 'demo', data: { temperature: 60 }, meta: { topic: 'b' } },
        { t: 3000, stream: 'demo', data: { temperature: 70.5 } },
      ],
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.emissions, [[{ t2: 120, topic: 'b' }], [{ t2: 141 }]]);
  assert.equal(body.metrics['source_demo_0_records_in_total'], 3);
  assert.equal(body.metrics['op_2_filter_0_records_out_total'], 2);
});

test('POST /ruletest/run refuses bad SQL with a coded 400 naming the position', async (t) => {
  const { app: a, engine } = await app();
  t.after(() => engine.close());
  const res = await a.inject({
    method: 'POST',
    url: '/ruletest/run',
    payload: { sql: 'SELECT FROM demo', streams: { demo: 'CREATE STREAM demo () WITH (DATASOURCE="demo")' }, events: [] },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error, 2001);
  assert.match(res.json().message, /line 1, column 8/);
});

test('eKuiper trial run: create with mock data, start, results as server-sent events, delete', async (t) => {
  const config = defaultConfig();
  config.store.type = 'memory';
  config.source.httpServerPort = 0;
  const engine = await Engine.open({ dataDir: mkdtempSync(join(tmpdir(), 'oort-rt-')), config, logger: quiet });
  const a = buildApp(engine, config, { log: quiet });
  t.after(async () => {
    await a.close();
    await engine.close();
  });
  let res = await a.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM demo () WITH (DATASOURCE="demo", FORMAT="json")' } });
  assert.equal(res.statusCode, 201, res.body);
  res = await a.inject({
    method: 'POST',
    url: '/ruletest',
    payload: { id: 'trial1', sql: 'SELECT temperature FROM demo WHERE temperature > 50', mockSource: { demo: { data: [{ temperature: 20 }, { temperature: 60 }], interval: 20, loop: true } } },
  });
  assert.equal(res.statusCode, 200, res.body);
  const { id, port } = res.json();
  assert.equal(id, 'trial1');
  const events = await fetch(`http://127.0.0.1:${port}/test/trial1`);
  assert.equal(events.headers.get('content-type'), 'text/event-stream');
  res = await a.inject({ method: 'POST', url: '/ruletest/trial1/start' });
  assert.equal(res.body, 'Test rule trial1 was started');
  const reader = events.body!.getReader();
  let got = '';
  while (!got.includes('data: [{"temperature":60}]')) got += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  res = await a.inject({ method: 'DELETE', url: '/ruletest/trial1' });
  assert.equal(res.body, 'Test rule trial1 was stopped.');
  res = await a.inject({ method: 'POST', url: '/ruletest/trial1/start' });
  assert.equal(res.statusCode, 404);
});
