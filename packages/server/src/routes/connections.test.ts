import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, until } from './test-app.js';

test('POST /connections stores a named connection as a conf key and answers 201 success', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'c1', typ: 'mqtt', props: { server: 'tcp://127.0.0.1:1883' } } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.body, 'success');
  assert.deepEqual(h.engine.listConfKeys('connections', 'mqtt'), { c1: { server: 'tcp://127.0.0.1:1883' } });

  const list = await h.app.inject({ method: 'GET', url: '/connections' });
  assert.deepEqual(list.json(), [{ id: 'c1', typ: 'mqtt', props: { server: 'tcp://127.0.0.1:1883' }, isNamed: true }]);
  const one = await h.app.inject({ method: 'GET', url: '/connections/c1' });
  assert.deepEqual(one.json(), { id: 'c1', typ: 'mqtt', props: { server: 'tcp://127.0.0.1:1883' }, isNamed: true });
});

test('connection errors use eKuiper messages: duplicate, unknown id, missing type, bad id', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'c1', typ: 'mqtt', props: {} } });
  const dup = await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'c1', typ: 'memory', props: {} } });
  assert.equal(dup.statusCode, 400);
  assert.deepEqual(dup.json(), { error: 1000, message: 'create connection failed: connection c1 already been created' });
  const noType = await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'c2', props: {} } });
  assert.deepEqual(noType.json(), { error: 1000, message: 'create connection failed: connection id and type should be defined' });
  const missing = await h.app.inject({ method: 'GET', url: '/connections/nope' });
  assert.equal(missing.statusCode, 400);
  assert.deepEqual(missing.json(), { error: 1000, message: 'connection nope not existed' });
  const badId = await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'a b', typ: 'mqtt' } });
  assert.equal(badId.statusCode, 400);
  const putMissing = await h.app.inject({ method: 'PUT', url: '/connections/nope', payload: { typ: 'mqtt', props: {} } });
  assert.deepEqual(putMissing.json(), { error: 1000, message: 'update connection failed: connection nope not existed' });
  // Deleting an unknown connection is a success, as in eKuiper.
  const delMissing = await h.app.inject({ method: 'DELETE', url: '/connections/nope' });
  assert.equal(delMissing.statusCode, 200);
  assert.equal(delMissing.body, 'success');
});

test('PUT /connections/{id} replaces type and props; DELETE removes it', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'c1', typ: 'mqtt', props: { server: 'a' } } });
  const put = await h.app.inject({ method: 'PUT', url: '/connections/c1', payload: { typ: 'memory', props: { topic: 't' } } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.body, 'success');
  assert.deepEqual(h.engine.listConfKeys('connections', 'mqtt'), {});
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/connections/c1' })).json().typ, 'memory');
  const del = await h.app.inject({ method: 'DELETE', url: '/connections/c1' });
  assert.equal(del.body, 'success');
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/connections' })).json(), []);
});

test('a connection used by a running rule cannot be dropped or updated (400 naming the rule)', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await h.app.inject({ method: 'POST', url: '/connections', payload: { id: 'mc', typ: 'memory', props: { topic: 'conn-out' } } });
  await h.app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM cs () WITH (DATASOURCE="conn-in", TYPE="memory", FORMAT="json")' } });
  const rule = await h.app.inject({ method: 'POST', url: '/rules', payload: { id: 'cr', sql: 'SELECT * FROM cs', actions: [{ memory: { connectionSelector: 'mc' } }] } });
  assert.equal(rule.statusCode, 201, rule.body);
  await until(() => h.engine.listRules().find((r) => r.id === 'cr')?.status === 'running');

  const del = await h.app.inject({ method: 'DELETE', url: '/connections/mc' });
  assert.equal(del.statusCode, 400);
  assert.deepEqual(del.json(), { error: 1000, message: "drop connection failed: connection mc can't be dropped due to rule references [cr]" });
  assert.equal((await h.app.inject({ method: 'GET', url: '/connections/mc' })).json().refCount, 1);
  const put = await h.app.inject({ method: 'PUT', url: '/connections/mc', payload: { typ: 'memory', props: {} } });
  assert.equal(put.statusCode, 400);

  await h.app.inject({ method: 'POST', url: '/rules/cr/stop' });
  const after = await h.app.inject({ method: 'DELETE', url: '/connections/mc' });
  assert.equal(after.statusCode, 200, after.body);
});
