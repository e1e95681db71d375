import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { IOError, isRetryable } from '@oort/sdk';
import { createTestContext, describeSinkContract } from '@oort/sdk/testing';
import { compileSinkTransform } from '../../template/sink-transform.js';
import { RestSink } from './rest-sink.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
const seen: Seen[] = [];

async function startServer(): Promise<void> {
  if (server) return;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const m = /\/status\/(\d+)/.exec(req.url!);
      res.writeHead(m ? Number(m[1]) : 200).end('answer');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function send(props: Record<string, unknown>, rows: Record<string, unknown>[]): Promise<void> {
  const ctx = createTestContext();
  const sink = new RestSink();
  sink.provision(ctx, props);
  await sink.connect(ctx, () => {});
  for (const item of compileSinkTransform(props, 'bytes')(rows)) await sink.collect(ctx, item);
  await sink.close(ctx);
}

describe('rest sink', () => {
  before(startServer);

  it('POSTs the encoded payload as JSON', async () => {
    seen.length = 0;
    await send({ url: `${base}/ok`, method: 'post' }, [{ a: 1 }]);
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.body, '[{"a":1}]');
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
  });

  it('sends GET without a body by default, as eKuiper does', async () => {
    seen.length = 0;
    await send({ url: `${base}/get` }, [{ a: 1 }]);
    assert.equal(seen[0]!.method, 'GET');
    assert.equal(seen[0]!.body, '');
  });

  it('renders templated urls and headers per row', async () => {
    seen.length = 0;
    await send({ url: `${base}/dev/{{.id}}`, method: 'PUT', sendSingle: true, headers: { 'x-dev': '{{.id}}' } }, [{ id: 7 }, { id: 8 }]);
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.headers['x-dev']]), [
      ['PUT', '/dev/7', '7'],
      ['PUT', '/dev/8', '8'],
    ]);
  });

  it('throws a retryable IOError for 503 and 429', async () => {
    await assert.rejects(send({ url: `${base}/status/503`, method: 'POST' }, [{ a: 1 }]), (e) => e instanceof IOError && isRetryable(e));
    await assert.rejects(send({ url: `${base}/status/429`, method: 'POST' }, [{ a: 1 }]), IOError);
  });

  it('throws a plain error for 4xx answers', async () => {
    await assert.rejects(send({ url: `${base}/status/404`, method: 'POST' }, [{ a: 1 }]), (e) => !(e instanceof IOError) && /404/.test((e as Error).message));
  });

  it('throws IOError when the server cannot be reached', async () => {
    await assert.rejects(send({ url: 'http://127.0.0.1:1/x', method: 'POST' }, [{ a: 1 }]), IOError);
  });

  it('logs responses with debugResp', async () => {
    const ctx = createTestContext();
    const sink = new RestSink();
    sink.provision(ctx, { url: `${base}/dbg`, method: 'POST', debugResp: true });
    await sink.collect(ctx, { payload: Buffer.from('{}'), props: {} });
    assert.match(ctx.logs[0]!.msg, /answered 200: answer/);
  });
});

describeSinkContract('rest', () => new RestSink(), {
  before: startServer,
  props: () => ({ url: `${base}/contract`, method: 'POST' }),
  after: () => new Promise<void>((r) => server.close(() => r())),
});

after(() => {
  server?.closeAllConnections();
  server?.close();
});
