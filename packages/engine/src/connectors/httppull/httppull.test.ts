import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestContext, RecordingIO } from '@oort/sdk/testing';
import { HttpPullSource } from './httppull-source.js';

let server: Server;
let base = '';
let answer = '{"v":1}';
let status = 200;
let lastMethod = '';
let lastBody = '';

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      lastMethod = req.method!;
      lastBody = Buffer.concat(chunks).toString();
      res.writeHead(status).end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function pulled(props: Record<string, unknown>, times = 1): Promise<RecordingIO> {
  const ctx = createTestContext();
  const src = new HttpPullSource();
  src.provision(ctx, { url: base, ...props });
  const io = new RecordingIO();
  src.connect(ctx, io);
  for (let i = 0; i < times; i++) await src.pull(ctx, i, io);
  src.close(ctx);
  return io;
}

describe('httppull source', () => {
  it('hands the response body over on each pull', async () => {
    answer = '{"v":1}';
    status = 200;
    const io = await pulled({ datasource: '/data' }, 2);
    assert.deepEqual(io.rows(), [{ v: 1 }, { v: 1 }]);
    assert.equal(lastMethod, 'GET');
  });

  it('skips unchanged bodies when incremental', async () => {
    answer = '{"v":2}';
    status = 200;
    const io = await pulled({ incremental: true }, 3);
    assert.equal(io.received.length, 1);
  });

  it('sends the configured body with POST', async () => {
    status = 200;
    await pulled({ method: 'post', body: '{"q":1}' });
    assert.equal(lastMethod, 'POST');
    assert.equal(lastBody, '{"q":1}');
  });

  it('reports non-2xx answers as errors without data', async () => {
    status = 500;
    const io = await pulled({});
    assert.equal(io.received.length, 0);
    assert.match(io.errors[0]!.message, /500/);
    status = 200;
  });

  it('checks the code field with responseType body', async () => {
    answer = '{"code":404}';
    const io = await pulled({ responseType: 'body' });
    assert.equal(io.received.length, 0);
    assert.match(io.errors[0]!.message, /code 404/);
  });

  it('reports unreachable servers as errors', async () => {
    const io = await pulled({ url: 'http://127.0.0.1:1' });
    assert.equal(io.errors.length, 1);
  });
});
