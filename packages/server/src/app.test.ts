import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OortError } from '@oort/engine';
import type { Logger } from '@oort/sdk';
import { fakeApp, testConfig } from './test/fake-engine.js';

describe('the REST app', () => {
  it('maps a coded engine error to its status and an eKuiper error body', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/rules/nope' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(res.json(), { error: 1002, message: 'Describe rule error: rule nope not found' });
  });

  it('answers 400 for coded errors other than not found', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/streams', payload: { sql: 'SELEC nonsense' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 2001);
    assert.match(res.json().message, /^Stream command error: /);
  });

  it('turns an unexpected exception into 500 with code 6500, logs it, and keeps serving', async () => {
    const errors: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn() {}, error: (m) => void errors.push(m) };
    const { app, engine } = fakeApp({ app: { log } });
    engine.failNext = { method: 'listRules', error: new TypeError('cannot read x of undefined') };
    const res = await app.inject({ method: 'GET', url: '/rules' });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 6500, message: 'internal error: cannot read x of undefined' });
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /GET \/rules/);
    const again = await app.inject({ method: 'GET', url: '/rules' });
    assert.equal(again.statusCode, 200);
  });

  it('refuses a malformed JSON body with 400 and code 6001', async () => {
    const { app } = fakeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/rules',
      headers: { 'content-type': 'application/json' },
      payload: '{"id": "r1", ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 6001);
    assert.match(res.json().message, /^Invalid body: /);
  });

  it('reads JSON bodies sent with any content type, as curl -d does', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({
      method: 'POST',
      url: '/streams',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '{"sql":"CREATE STREAM demo () WITH (DATASOURCE=\\"t\\")"}',
    });
    assert.equal(res.statusCode, 201);
    assert.ok(engine.streams.has('demo'));
  });

  it('reads JSON bodies sent without a content type', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules', payload: '{"id":"r9","sql":"SELECT 1"}' });
    assert.equal(res.statusCode, 201);
    assert.ok(engine.rules.has('r9'));
  });

  it('treats an empty body on a route that needs one as a malformed request', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/rules', headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 6001);
  });

  it('refuses a body over basic.maxRequestBodyBytes with 413 and code 6002', async () => {
    const config = testConfig({ overrides: { basic: { maxRequestBodyBytes: 64 } } });
    const { app } = fakeApp({ config });
    const res = await app.inject({ method: 'POST', url: '/rules', payload: { id: 'r1', sql: 'x'.repeat(100) } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, 6002);
  });

  it('answers an unknown route with 404 and a coded body', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/nothing/here?x=1' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: 1002, message: 'no route for GET /nothing/here' });
  });

  it('accepts a trailing slash', async () => {
    const { app } = fakeApp();
    assert.equal((await app.inject({ method: 'GET', url: '/rules/' })).statusCode, 200);
  });

  it('prints bigint values from the engine as JSON numbers', async () => {
    const { app, engine } = fakeApp();
    engine.createRule({ id: 'r1', sql: 'SELECT * FROM demo' });
    const res = await app.inject({ method: 'GET', url: '/rules/r1/status' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /"source_demo_0_records_in_total":3/);
  });

  it('keeps the message of a coded error that has no route prefix', async () => {
    const { app, engine } = fakeApp();
    engine.failNext = { method: 'createRule', error: new OortError('RULE', 'rule r1 already exists') };
    const res = await app.inject({ method: 'POST', url: '/rules', payload: { id: 'r1', sql: 'SELECT 1' } });
    assert.deepEqual(res.json(), { error: 4000, message: 'rule r1 already exists' });
  });
});

describe('building the app', () => {
  it('refuses to serve when authentication is on but no key or token could ever pass', () => {
    const config = testConfig({ overrides: { basic: { authentication: true } } });
    assert.throws(() => fakeApp({ config, app: { etcDir: '/nonexistent-oort-etc' } }), /no public key .* and no static token/);
  });

  it('with authentication on, every route but / and /ping needs a token', async () => {
    const config = testConfig({ overrides: { basic: { authentication: true, authTokens: ['s3cret-token'] } } });
    const { app } = fakeApp({ config, app: { etcDir: '/nonexistent-oort-etc' } });
    assert.equal((await app.inject({ method: 'GET', url: '/ping' })).statusCode, 200);
    const refused = await app.inject({ method: 'GET', url: '/rules' });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error, 6201);
    const ok = await app.inject({ method: 'GET', url: '/rules', headers: { authorization: 'Bearer s3cret-token' } });
    assert.equal(ok.statusCode, 200);
  });
});

describe('CORS', () => {
  it('allows any origin on actual requests', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/streams', headers: { origin: 'http://dashboard.example' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  it('adds nothing when the request has no Origin', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/streams' });
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('answers a preflight for an allowed method and headers', async () => {
    const { app } = fakeApp();
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/rules/r1',
      headers: { origin: 'http://x', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, Authorization' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-methods'], 'PUT');
    assert.equal(res.headers['access-control-allow-headers'], 'Content-Type,Authorization');
  });

  it('refuses a preflight for PATCH, which eKuiper does not allow', async () => {
    const { app } = fakeApp();
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/rules/r1',
      headers: { origin: 'http://x', 'access-control-request-method': 'PATCH' },
    });
    assert.equal(res.statusCode, 405);
  });

  it('refuses a preflight asking for a header outside the allowed list', async () => {
    const { app } = fakeApp();
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/rules',
      headers: { origin: 'http://x', 'access-control-request-method': 'POST', 'access-control-request-headers': 'X-Custom' },
    });
    assert.equal(res.statusCode, 403);
  });
});

it('refuses a body nested deeper than 128 levels with a coded 400 before parsing it', async () => {
  const { app } = fakeApp();
  const deep = '{"a":'.repeat(10000) + '1' + '}'.repeat(10000);
  const res = await app.inject({ method: 'PUT', url: '/metadata/sources/mqtt/confKeys/k', payload: deep, headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error, 6001);
  assert.match(res.json().message, /nested deeper than 128/);
});
