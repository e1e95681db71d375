import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { SECTIONS } from './data-document.js';
import { openTestApp, until, type TestApp } from './test-app.js';

const empty = Object.fromEntries(SECTIONS.map((s) => [s, {}]));

async function populate(h: TestApp): Promise<void> {
  const ok = async (method: 'POST' | 'PUT', url: string, payload: unknown) => {
    const res = await h.app.inject({ method, url, payload: payload as object });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  };
  await ok('POST', '/streams', { sql: 'CREATE STREAM s1 () WITH (DATASOURCE="t1", TYPE="memory", FORMAT="json")' });
  await ok('POST', '/streams', { sql: 'CREATE STREAM s2 () WITH (DATASOURCE="t2", TYPE="simulator", CONF_KEY="k1", FORMAT="json")' });
  await ok('POST', '/tables', { sql: 'CREATE TABLE t1 () WITH (DATASOURCE="t3", TYPE="memory", FORMAT="json")' });
  await ok('PUT', '/metadata/sources/simulator/confKeys/k1', { data: [{ a: 1 }], interval: 1000 });
  await ok('PUT', '/metadata/connections/mqtt/confKeys/c1', { server: 'tcp://127.0.0.1:1883' });
  await ok('POST', '/rules', { id: 'r1', sql: 'SELECT * FROM s1', actions: [{ nop: {} }], tags: ['x'], triggered: false });
  await ok('POST', '/rules', { id: 'r2', sql: 'SELECT * FROM s2', actions: [{ nop: {} }], triggered: false });
  await ok('POST', '/config/uploads', { name: 'a.txt', content: 'hello' });
  await ok('POST', '/schemas/protobuf', { name: 'book', content: 'syntax = "proto3";' });
}

test('GET /data/export returns every section as eKuiper does, values being JSON strings', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await populate(h);
  const res = await h.app.inject({ method: 'GET', url: '/data/export' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/octet-stream');
  assert.match(res.headers['content-disposition'] as string, /^attachment; filename="ekuiper_export.json"$/);
  const doc = JSON.parse(res.body);
  assert.deepEqual(Object.keys(doc), [...SECTIONS]);
  assert.deepEqual(Object.keys(doc.streams).sort(), ['s1', 's2']);
  assert.deepEqual(Object.keys(doc.tables), ['t1']);
  assert.deepEqual(JSON.parse(doc.rules.r1).tags, ['x']);
  assert.deepEqual(JSON.parse(doc.sourceConfig.simulator), { k1: { data: [{ a: 1 }], interval: 1000 } });
  assert.deepEqual(JSON.parse(doc.connectionConfig.mqtt), { c1: { server: 'tcp://127.0.0.1:1883' } });
  assert.deepEqual(JSON.parse(doc.uploads['a.txt']), { name: 'a.txt', content: 'hello' });
  assert.deepEqual(JSON.parse(doc.Schema.protobuf_book), { type: 'protobuf', name: 'book', content: 'syntax = "proto3";' });
});

test('POST /data/export with rule ids exports only those rules and what they read', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await populate(h);
  const res = await h.app.inject({ method: 'POST', url: '/data/export', payload: ['r2'] });
  assert.equal(res.statusCode, 200);
  const doc = JSON.parse(res.body);
  assert.deepEqual(Object.keys(doc.rules), ['r2']);
  assert.deepEqual(Object.keys(doc.streams), ['s2']);
  assert.deepEqual(doc.tables, {});
  assert.deepEqual(JSON.parse(doc.sourceConfig.simulator), { k1: { data: [{ a: 1 }], interval: 1000 } });
  assert.deepEqual(doc.connectionConfig, {});
});

test('POST /data/import replaces everything with the document and answers eKuiper empty status', async (t) => {
  const src = await openTestApp();
  t.after(() => src.close());
  await populate(src);
  const exported = (await src.app.inject({ method: 'GET', url: '/data/export' })).body;

  const dst = await openTestApp();
  t.after(() => dst.close());
  await dst.app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM old () WITH (DATASOURCE="o", TYPE="memory")' } });
  await dst.app.inject({ method: 'POST', url: '/rules', payload: { id: 'old', sql: 'SELECT * FROM old', actions: [{ nop: {} }] } });

  const res = await dst.app.inject({ method: 'POST', url: '/data/import', payload: { content: exported } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { ErrorMsg: '', ConfigResponse: empty });
  const rules = (await dst.app.inject({ method: 'GET', url: '/rules' })).json() as { id: string; tags: string[] | null }[];
  assert.deepEqual(rules.map((r) => r.id), ['r1', 'r2']);
  assert.deepEqual(rules[0]!.tags, ['x']);
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/streams' })).json().sort(), ['s1', 's2']);
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/tables' })).json(), ['t1']);
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/metadata/connections/yaml/mqtt' })).json(), { c1: { server: 'tcp://127.0.0.1:1883' } });
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/data/import/status' })).json(), empty);
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/schemas/protobuf' })).json(), ['book']);
  assert.deepEqual((await dst.app.inject({ method: 'GET', url: '/config/uploads' })).json().length, 1);
});

test('a partial import keeps what exists and reports failed items in a 400 and in /data/import/status', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await populate(h);
  const doc = {
    streams: { s3: 'CREATE STREAM s3 () WITH (DATASOURCE="t4", TYPE="memory")', bad: 'CREATE STREAM bad (' },
    rules: { r3: JSON.stringify({ id: 'r3', sql: 'SELECT * FROM s3', actions: [{ nop: {} }], triggered: false }) },
  };
  const res = await h.app.inject({ method: 'POST', url: '/data/import?partial=1', payload: { content: JSON.stringify(doc) } });
  assert.equal(res.statusCode, 400);
  const body = res.json();
  assert.equal(body.error, 1000);
  const report = JSON.parse(body.message);
  assert.deepEqual(Object.keys(report.streams), ['bad']);
  assert.deepEqual(report.rules, {});
  const rules = ((await h.app.inject({ method: 'GET', url: '/rules' })).json() as { id: string }[]).map((r) => r.id);
  assert.deepEqual(rules, ['r1', 'r2', 'r3']);
  const status = (await h.app.inject({ method: 'GET', url: '/data/import/status' })).json();
  assert.deepEqual(Object.keys(status.streams), ['bad']);
});

test('POST /data/import refuses a document that is not JSON before dropping anything', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await populate(h);
  const res = await h.app.inject({ method: 'POST', url: '/data/import', payload: { content: '{not json' } });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /^configuration unmarshal with error/);
  assert.equal(((await h.app.inject({ method: 'GET', url: '/rules' })).json() as unknown[]).length, 2);
  const neither = await h.app.inject({ method: 'POST', url: '/data/import', payload: {} });
  assert.equal(neither.statusCode, 400);
  assert.equal(neither.json().message, 'Invalid body: must specify content or file: bad request');
});

test('GET /v2/data/export is YAML with flattened conf keys, and POST /v2/data/import reads it back', async (t) => {
  const src = await openTestApp();
  t.after(() => src.close());
  await populate(src);
  const res = await src.app.inject({ method: 'GET', url: '/v2/data/export' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-disposition'] as string, /ekuiper_export\.yaml/);
  const y = parseYaml(res.body);
  assert.deepEqual(y.sourceConfig, { 'sources.simulator.k1': { data: [{ a: 1 }], interval: 1000 } });
  assert.deepEqual(y.connectionConfig, { 'connections.mqtt.c1': { server: 'tcp://127.0.0.1:1883' } });
  assert.equal(y.streams.s1.sql, 'CREATE STREAM s1 () WITH (DATASOURCE="t1", TYPE="memory", FORMAT="json")');
  assert.equal(y.rules.r1.sql, 'SELECT * FROM s1');

  const dst = await openTestApp();
  t.after(() => dst.close());
  const imp = await dst.app.inject({ method: 'POST', url: '/v2/data/import', payload: { content: res.body } });
  assert.equal(imp.statusCode, 200, imp.body);
  assert.equal(imp.body, 'success');
  assert.deepEqual(((await dst.app.inject({ method: 'GET', url: '/rules' })).json() as { id: string }[]).map((r) => r.id), ['r1', 'r2']);
});

test('exported secrets are masked unless the engine offers exportConfKeys, which exports them as stored', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  h.engine.putConfKey('sources', 'mqtt', 'k', { server: 's', password: 'secret' });
  const masked = JSON.parse((await h.app.inject({ method: 'GET', url: '/data/export' })).body);
  assert.deepEqual(JSON.parse(masked.sourceConfig.mqtt), { k: { server: 's', password: '******' } });

  Object.assign(h.engine, { exportConfKeys: () => [{ kind: 'sources', type: 'mqtt', key: 'k', props: { server: 's', password: 'secret' } }] });
  const real = JSON.parse((await h.app.inject({ method: 'GET', url: '/data/export' })).body);
  assert.deepEqual(JSON.parse(real.sourceConfig.mqtt), { k: { server: 's', password: 'secret' } });
});

test('POST /async/data/import answers a task id, and GET /async/task/{id} reports it finished', async (t) => {
  const src = await openTestApp();
  t.after(() => src.close());
  await populate(src);
  const exported = (await src.app.inject({ method: 'GET', url: '/data/export' })).body;
  const dst = await openTestApp();
  t.after(() => dst.close());
  const res = await dst.app.inject({ method: 'POST', url: '/async/data/import', payload: { content: exported } });
  assert.equal(res.statusCode, 200, res.body);
  const { id } = res.json();
  assert.match(id, /^dataImport-\d+$/);
  let task: { id: string; status: string; message: string; createdTimestamp: number; updatedTimestamp: number } | undefined;
  await until(async () => {
    task = (await dst.app.inject({ method: 'GET', url: `/async/task/${id}` })).json();
    return task!.status === 'finish' || task!.status === 'error';
  });
  assert.equal(task!.status, 'finish', task!.message);
  assert.deepEqual(JSON.parse(task!.message), { ErrorMsg: '', ConfigResponse: empty });
  assert.deepEqual(((await dst.app.inject({ method: 'GET', url: '/rules' })).json() as unknown[]).length, 2);

  const cancel = await dst.app.inject({ method: 'POST', url: `/async/task/${id}/cancel` });
  assert.equal(cancel.body, 'cancel success');
  assert.equal((await dst.app.inject({ method: 'GET', url: `/async/task/${id}` })).json().status, 'cancel');
  const missing = await dst.app.inject({ method: 'GET', url: '/async/task/nope' });
  assert.deepEqual(missing.json(), { error: 1000, message: 'async task: nope not found' });
});
