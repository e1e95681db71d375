import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, until, type TestApp } from './test-app.js';

async function withRules(h: TestApp, rules: { id: string; tags?: string[]; triggered?: boolean }[]): Promise<void> {
  const s = await h.app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM tagdemo () WITH (DATASOURCE="tagdemo", TYPE="memory", FORMAT="json")' } });
  assert.equal(s.statusCode, 201, s.body);
  for (const r of rules) {
    const res = await h.app.inject({
      method: 'POST', url: '/rules',
      payload: { sql: 'SELECT * FROM tagdemo', actions: [{ nop: {} }], triggered: false, ...r },
    });
    assert.equal(res.statusCode, 201, res.body);
  }
}

const tagsOf = async (h: TestApp, id: string) =>
  ((await h.app.inject({ method: 'GET', url: '/rules' })).json() as { id: string; tags: string[] | null }[]).find((r) => r.id === id)?.tags;

test('PUT, PATCH and DELETE /rules/{id}/tags replace, add and remove tags with an empty 200', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await withRules(h, [{ id: 'r1', tags: ['a'] }]);

  const put = await h.app.inject({ method: 'PUT', url: '/rules/r1/tags', payload: { tags: ['x', 'y'] } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.body, '');
  assert.deepEqual(await tagsOf(h, 'r1'), ['x', 'y']);

  const patch = await h.app.inject({ method: 'PATCH', url: '/rules/r1/tags', payload: { tags: ['y', 'z'] } });
  assert.equal(patch.statusCode, 200, patch.body);
  assert.deepEqual(await tagsOf(h, 'r1'), ['x', 'y', 'z']);

  const del = await h.app.inject({ method: 'DELETE', url: '/rules/r1/tags', payload: { tags: ['x', 'nope'] } });
  assert.equal(del.statusCode, 200, del.body);
  assert.deepEqual(await tagsOf(h, 'r1'), ['y', 'z']);
  // The stored rule carries them too, so an export or restart keeps them.
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/rules/r1' })).json().tags, ['y', 'z']);
});

test('tag edits on an unknown rule are 404 and a body without a tags array is 400', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await withRules(h, [{ id: 'r1' }]);
  const missing = await h.app.inject({ method: 'PUT', url: '/rules/nope/tags', payload: { tags: ['a'] } });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error, 1002);
  const bad = await h.app.inject({ method: 'PUT', url: '/rules/r1/tags', payload: { keys: ['a'] } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /^decode body error/);
});

test('GET /rules/tags/match with a JSON body lists rules carrying every tag, or {} when none', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await withRules(h, [{ id: 'r1', tags: ['a', 'b'] }, { id: 'r2', tags: ['a'] }, { id: 'r3' }]);
  const both = await h.app.inject({ method: 'GET', url: '/rules/tags/match', payload: { tags: ['a'] } });
  assert.equal(both.statusCode, 200, both.body);
  assert.deepEqual(both.json(), { rules: ['r1', 'r2'] });
  const one = await h.app.inject({ method: 'GET', url: '/rules/tags/match', payload: { tags: ['b', 'a'] } });
  assert.deepEqual(one.json(), { rules: ['r1'] });
  const none = await h.app.inject({ method: 'GET', url: '/rules/tags/match', payload: { tags: ['zzz'] } });
  assert.equal(none.statusCode, 200);
  assert.deepEqual(none.json(), {});
});

test('POST /rules/bulkstart and bulkstop act on the matching rules and report each one', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await withRules(h, [{ id: 'r1', tags: ['g'] }, { id: 'r2', tags: ['g'] }, { id: 'r3' }]);
  const start = await h.app.inject({ method: 'POST', url: '/rules/bulkstart', payload: { tags: ['g'] } });
  assert.equal(start.statusCode, 200, start.body);
  assert.deepEqual(start.json(), [{ ruleId: 'r1', success: true }, { ruleId: 'r2', success: true }]);
  const status = async (id: string) => (await h.app.inject({ method: 'GET', url: `/rules/${id}/status` })).json().status;
  await until(async () => (await status('r1')) === 'running' && (await status('r2')) === 'running');
  assert.equal(await status('r3'), 'stopped');

  const stop = await h.app.inject({ method: 'POST', url: '/rules/bulkstop', payload: { tags: ['g'] } });
  assert.deepEqual(stop.json(), [{ ruleId: 'r1', success: true }, { ruleId: 'r2', success: true }]);
  await until(async () => (await status('r1')) === 'stopped' && (await status('r2')) === 'stopped');

  const none = await h.app.inject({ method: 'POST', url: '/rules/bulkstart', payload: { tags: ['nope'] } });
  assert.equal(none.statusCode, 400);
  assert.deepEqual(none.json(), { error: 4000, message: 'no matching rules' });
});

test('tag edits go through the engine setRuleTags when it exists, so the rule is not replanned', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await withRules(h, [{ id: 'r1', tags: ['a'] }]);
  const calls: [string, string[]][] = [];
  Object.assign(h.engine, { setRuleTags: (id: string, tags: string[]) => void calls.push([id, tags]) });
  const res = await h.app.inject({ method: 'PATCH', url: '/rules/r1/tags', payload: { tags: ['b', 'a'] } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(calls, [['r1', ['a', 'b']]]);
});
