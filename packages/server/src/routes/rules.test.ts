import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApp } from '../test/fake-engine.js';

const RULE = { id: 'r1', sql: 'SELECT * FROM demo', actions: [{ log: {} }] };

async function withRule() {
  const ctx = fakeApp();
  await ctx.app.inject({ method: 'POST', url: '/rules', payload: RULE });
  return ctx;
}

describe('rule routes', () => {
  it('create a rule with 201 and eKuiper text', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules', payload: RULE });
    assert.equal(res.statusCode, 201);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.equal(res.body, 'Rule r1 was created successfully.');
  });

  it('refuse a rule id outside the id alphabet', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules', payload: { ...RULE, id: 'r 1' } });
    assert.equal(res.statusCode, 400);
    assert.equal(engine.calls.length, 0);
  });

  it('report a duplicate rule as a 400 rule error', async () => {
    const { app } = await withRule();
    const res = await app.inject({ method: 'POST', url: '/rules', payload: RULE });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 4000, message: 'rule r1 already exists' });
  });

  it('list rules and show one as JSON', async () => {
    const { app } = await withRule();
    const list = await app.inject({ method: 'GET', url: '/rules' });
    assert.deepEqual(list.json(), [{ id: 'r1', name: 'r1', status: 'running', version: '', trace: false, tags: null }]);
    const one = await app.inject({ method: 'GET', url: '/rules/r1' });
    assert.match(one.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(one.json(), RULE);
  });

  it('upsert with PUT and answer with the updated text', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'PUT', url: '/rules/r2', payload: { sql: 'SELECT 1', actions: [] } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'Rule r2 was updated successfully.');
    assert.ok(engine.rules.has('r2'));
  });

  it('refuse a PUT whose body id differs from the path', async () => {
    const { app } = await withRule();
    const res = await app.inject({ method: 'PUT', url: '/rules/r1', payload: { ...RULE, id: 'other' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 4000);
  });

  it('drop a rule, and answer 404 for an unknown one', async () => {
    const { app } = await withRule();
    const res = await app.inject({ method: 'DELETE', url: '/rules/r1' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'Rule r1 is dropped.');
    const again = await app.inject({ method: 'DELETE', url: '/rules/r1' });
    assert.equal(again.statusCode, 404);
    assert.deepEqual(again.json(), { error: 1002, message: 'Delete rule error: rule r1 not found' });
  });

  it('start, stop and restart with eKuiper texts', async () => {
    const { app, engine } = await withRule();
    const stop = await app.inject({ method: 'POST', url: '/rules/r1/stop' });
    assert.equal(stop.body, 'Rule r1 was stopped.');
    assert.equal(engine.rules.get('r1')?.status, 'stopped');
    const start = await app.inject({ method: 'POST', url: '/rules/r1/start' });
    assert.equal(start.body, 'Rule r1 was started');
    const restart = await app.inject({ method: 'POST', url: '/rules/r1/restart', headers: { 'content-type': 'application/json' } });
    assert.equal(restart.statusCode, 200);
    assert.equal(restart.body, 'Rule r1 was restarted');
  });

  it('answer lifecycle calls on an unknown rule with 404 and the eKuiper prefix', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules/zz/start' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().message, 'start rule error: rule zz not found');
  });

  it('give the status of one rule and of all rules', async () => {
    const { app } = await withRule();
    const one = await app.inject({ method: 'GET', url: '/rules/r1/status' });
    assert.equal(one.json().status, 'running');
    assert.equal(one.json().lastStartTimestamp, 1712126817659);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/v2/rules/r1/status' })).json(), one.json());
    const all = await app.inject({ method: 'GET', url: '/rules/status/all' });
    assert.deepEqual(all.json(), { r1: { status: 'running', last_exception: '', exceptions_total: 0 } });
  });

  it('give the topology as JSON and the explanation as text', async () => {
    const { app } = await withRule();
    const topo = await app.inject({ method: 'GET', url: '/rules/r1/topo' });
    assert.deepEqual(topo.json().sources, ['source_demo']);
    const explain = await app.inject({ method: 'GET', url: '/rules/r1/explain' });
    assert.match(explain.headers['content-type'] as string, /^text\/plain/);
    assert.equal(explain.body, 'ProjectPlan\n  DataSourcePlan(demo)\n');
  });

  it('validate a good rule with 200 and its sources', async () => {
    const { app, engine } = fakeApp();
    engine.createStream('CREATE STREAM demo () WITH (DATASOURCE="d")');
    const res = await app.inject({ method: 'POST', url: '/rules/validate', payload: RULE });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { valid: true, sources: ['demo'] });
  });

  it('answer an invalid rule with 422 and the plain message', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules/validate', payload: RULE });
    assert.equal(res.statusCode, 422);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.equal(res.body, 'stream demo not found');
  });

  it('answer an unreadable validate body with 400', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules/validate', payload: 'nope', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 6001);
  });
});
