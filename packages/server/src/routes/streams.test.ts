import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApp } from '../test/fake-engine.js';

const DEMO = 'CREATE STREAM demo (temperature FLOAT) WITH (DATASOURCE="demo", FORMAT="json")';
const TABLE = 'CREATE TABLE t1 () WITH (DATASOURCE="t1", TYPE="memory", KIND="lookup")';

describe('stream routes', () => {
  it('create a stream with 201 and eKuiper text', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    assert.equal(res.statusCode, 201);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.equal(res.body, 'Stream demo is created.');
  });

  it('name the created kind from the statement, not the endpoint', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/streams', payload: { sql: TABLE } });
    assert.equal(res.body, 'Table t1 is created.');
  });

  it('refuse a body that is not a JSON object', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/streams', payload: '["x"]', headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 6001);
  });

  it('report a duplicate stream as a 400 stream error', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    const res = await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 3000, message: 'Stream command error: stream demo already exists' });
  });

  it('list streams and stream details as JSON', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    await app.inject({ method: 'POST', url: '/tables', payload: { sql: TABLE } });
    const list = await app.inject({ method: 'GET', url: '/streams' });
    assert.match(list.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(list.json(), ['demo']);
    const details = await app.inject({ method: 'GET', url: '/streamdetails' });
    assert.deepEqual(details.json(), [{ name: 'demo', type: 'mqtt', format: 'json' }]);
  });

  it('filter tables by kind, treating other kinds as all', async () => {
    const { app, engine } = fakeApp();
    await app.inject({ method: 'POST', url: '/tables', payload: { sql: TABLE } });
    await app.inject({ method: 'POST', url: '/tables', payload: { sql: 'CREATE TABLE t2 () WITH (DATASOURCE="t2")' } });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/tables?kind=lookup' })).json(), ['t1']);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/tables?kind=scan' })).json(), ['t2']);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/tables?kind=other' })).json(), ['t1', 't2']);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/tabledetails?kind=lookup' })).json().map((d: { name: string }) => d.name), ['t1']);
    assert.deepEqual(engine.calls.filter((c) => c[0] === 'listStreams').at(-2), ['listStreams', 'table', undefined]);
  });

  it('describe a stream, and answer 404 for a missing one', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    const res = await app.inject({ method: 'GET', url: '/streams/demo' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().Name, 'demo');
    assert.equal(res.json().StreamType, 0);
    const missing = await app.inject({ method: 'GET', url: '/streams/nope' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: 1002, message: 'describe stream error: stream nope is not found' });
  });

  it('do not find a table under /streams', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/tables', payload: { sql: TABLE } });
    assert.equal((await app.inject({ method: 'GET', url: '/streams/t1' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/tables/t1' })).statusCode, 200);
  });

  it('give the inferred schema', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    const res = await app.inject({ method: 'GET', url: '/streams/demo/schema' });
    assert.deepEqual(res.json(), { temperature: { type: 'float' }, count: { type: 'bigint', default: 12 } });
  });

  it('replace a stream with eKuiper text', async () => {
    const { app, engine } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    const res = await app.inject({ method: 'PUT', url: '/streams/demo', payload: { sql: DEMO + ' ' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'Stream demo is replaced.');
    assert.equal(engine.streams.get('demo')?.sql, DEMO + ' ');
  });

  it('drop a stream, passing force through', async () => {
    const { app, engine } = fakeApp();
    await app.inject({ method: 'POST', url: '/streams', payload: { sql: DEMO } });
    const res = await app.inject({ method: 'DELETE', url: '/streams/demo?force=true' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'Stream demo is dropped.');
    assert.deepEqual(engine.calls.at(-1), ['dropStream', 'stream', 'demo', true]);
    const again = await app.inject({ method: 'DELETE', url: '/streams/demo' });
    assert.equal(again.statusCode, 404);
    assert.deepEqual(engine.calls.at(-1), ['dropStream', 'stream', 'demo', false]);
  });

  it('drop a table with Table in the text', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/tables', payload: { sql: TABLE } });
    assert.equal((await app.inject({ method: 'DELETE', url: '/tables/t1' })).body, 'Table t1 is dropped.');
  });

  it('refuse names outside the id alphabet before reaching the engine', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/streams/bad%20name' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 1001);
    assert.match(res.json().message, /invalid id bad name/);
    assert.equal(engine.calls.length, 0);
  });
});
