import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext, describeSourceContract, RecordingIO, waitFor } from '@oort/sdk/testing';
import { HttpPushSource } from './httppush-source.js';

async function started(props: Record<string, unknown>): Promise<{ src: HttpPushSource; io: RecordingIO }> {
  const src = new HttpPushSource();
  const ctx = createTestContext();
  src.provision(ctx, { httpServerPort: 0, ...props });
  const io = new RecordingIO();
  await src.connect(ctx, io);
  return { src, io };
}

const post = (port: number, path: string, body: string, method = 'POST') =>
  fetch(`http://127.0.0.1:${port}${path}`, { method, body, headers: { 'content-type': 'application/json' } });

describe('httppush source', () => {
  it('takes POSTed bodies as bytes and answers 200', async () => {
    const { src, io } = await started({ datasource: '/api/data' });
    try {
      const res = await post(src.port, '/api/data', '{"a":1}');
      assert.equal(res.status, 200);
      assert.deepEqual(io.rows(), [{ a: 1 }]);
      assert.match(io.statuses.at(-1)!.message!, new RegExp(`:${src.port}/api/data`));
    } finally {
      await src.close();
    }
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { src, io } = await started({ datasource: '/bad' });
    try {
      assert.equal((await post(src.port, '/bad', '{nope')).status, 400);
      assert.equal((await post(src.port, '/bad', '')).status, 400);
      assert.equal(io.received.length, 0);
    } finally {
      await src.close();
    }
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const { src } = await started({ datasource: '/p' });
    try {
      assert.equal((await post(src.port, '/other', '{}')).status, 404);
      assert.equal((await post(src.port, '/p', '{}', 'PUT')).status, 405);
    } finally {
      await src.close();
    }
  });

  it('shares one server between sources on the same port and closes it with the last', async () => {
    const a = await started({ datasource: '/a' });
    const b = await started({ datasource: '/b' });
    assert.equal(a.src.port, b.src.port);
    const port = a.src.port;
    await post(port, '/a', '{"x":1}');
    await post(port, '/b', '{"x":2}');
    assert.deepEqual(a.io.rows(), [{ x: 1 }]);
    assert.deepEqual(b.io.rows(), [{ x: 2 }]);
    await a.src.close();
    assert.equal((await post(port, '/b', '{"x":3}')).status, 200);
    await b.src.close();
    await assert.rejects(post(port, '/b', '{}'));
  });

  it('exposes the chosen port as lastPort', async () => {
    const { src } = await started({ datasource: '/lp' });
    assert.equal(HttpPushSource.lastPort, src.port);
    await src.close();
  });
});

describeSourceContract('httppush', () => new HttpPushSource(), {
  props: { datasource: '/contract', httpServerPort: 0 },
  produce: async (_props, source) => {
    await waitFor(() => (source as HttpPushSource).port > 0);
    await post((source as HttpPushSource).port, '/contract', '{"n":1}');
  },
});
