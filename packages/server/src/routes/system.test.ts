import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApp } from '../test/fake-engine.js';

describe('system routes', () => {
  it('describe the server at / for GET and POST', async () => {
    const { app } = fakeApp();
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({ method, url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/json/);
      const body = res.json();
      assert.equal(body.version, '9.9.9-test');
      assert.equal(typeof body.os, 'string');
      assert.notEqual(body.arch, 'x64');
      assert.ok(body.upTimeSeconds >= 4);
      assert.match(body.memoryTotal, /^\d+$/);
    }
  });

  it('answer /ping with an empty 200', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/ping' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
  });

  it('offer /stop only when a stop callback is given, calling it after answering', async () => {
    assert.equal((await fakeApp().app.inject({ method: 'POST', url: '/stop' })).statusCode, 404);
    let stopped = 0;
    const { app } = fakeApp({ app: { onStop: () => void stopped++ } });
    const res = await app.inject({ method: 'GET', url: '/stop' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'stop success');
    const deadline = Date.now() + 2000;
    while (stopped === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(stopped, 1);
  });
});
