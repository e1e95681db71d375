import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPluginCommand } from './index.js';

/** A stand-in for the Oort server's plugin routes: downloads the zip it is given, as the real one does. */
function fakeServer() {
  const installed = new Map<string, string>();
  const calls: { method: string; url: string; body?: { name: string; file: string; sha256: string }; downloadedSha?: string }[] = [];
  const body = async (req: IncomingMessage) => {
    const parts: Buffer[] = [];
    for await (const b of req) parts.push(b as Buffer);
    return Buffer.concat(parts).toString();
  };
  const srv = createServer(async (req, res) => {
    const url = req.url ?? '';
    const call: (typeof calls)[number] = { method: req.method ?? '', url };
    calls.push(call);
    const m = /^\/plugins\/(\w+)(?:\/(\w+))?$/.exec(url);
    if (!m) return void res.writeHead(404).end();
    if (req.method === 'GET' && m[2]) {
      const v = installed.get(`${m[1]}/${m[2]}`);
      if (!v) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":1002,"message":"not found"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: m[2], version: v }));
    }
    call.body = JSON.parse(await body(req));
    const zip = Buffer.from(await (await fetch(call.body!.file)).arrayBuffer());
    call.downloadedSha = createHash('sha256').update(zip).digest('hex');
    installed.set(`${m[1]}/${call.body!.name}`, '1.0.0');
    if (req.method === 'POST') res.writeHead(201).end(`${m[1]} plugin ${call.body!.name} is created`);
    else res.writeHead(200).end(`plugin ${call.body!.name} is updated`);
  });
  return { srv, calls, installed };
}

describe('oort plugin deploy', () => {
  const work = mkdtempSync(join(tmpdir(), 'oort-deploy-'));
  const dir = join(work, 'jsonfile');
  const fake = fakeServer();
  let server = '';
  before(async () => {
    await new Promise<void>((r) => fake.srv.listen(0, '127.0.0.1', r));
    server = `http://127.0.0.1:${(fake.srv.address() as AddressInfo).port}`;
    assert.equal(await runPluginCommand(['init', 'sink', 'jsonfile', '--dir', dir], { out() {}, err() {} }), 0);
  });
  after(() => {
    fake.srv.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs a new plugin with POST and a URL the server can download from', async () => {
    const lines: string[] = [];
    const code = await runPluginCommand(['deploy', '--dir', dir, '--server', server], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    assert.equal(code, 0, lines.join('\n'));
    const post = fake.calls.find((c) => c.method === 'POST')!;
    assert.equal(post.url, '/plugins/sinks');
    assert.equal(post.body!.name, 'jsonfile');
    assert.match(post.body!.file, /^http:\/\/127\.0\.0\.1:\d+\/jsonfile\.zip$/);
    assert.equal(post.downloadedSha, post.body!.sha256);
    assert.match(lines.join('\n'), /201 sinks plugin jsonfile is created/);
  });

  it('updates an installed plugin with PUT', async () => {
    fake.calls.length = 0;
    const code = await runPluginCommand(['deploy', '--dir', dir, '--server', server + '/'], { out() {}, err() {} });
    assert.equal(code, 0);
    assert.deepEqual(
      fake.calls.map((c) => `${c.method} ${c.url}`),
      ['GET /plugins/sinks/jsonfile', 'PUT /plugins/sinks/jsonfile'],
    );
    assert.equal(fake.calls[1]!.downloadedSha, fake.calls[1]!.body!.sha256);
  });

  it('stops serving the zip once the server has answered', async () => {
    const put = fake.calls.find((c) => c.method === 'PUT')!;
    await assert.rejects(fetch(put.body!.file));
  });

  it('fails with exit code 1 when the server refuses', async () => {
    const refuse = createServer((req, res) => res.writeHead(req.method === 'GET' ? 404 : 400).end('{"error":1000,"message":"bad zip"}'));
    await new Promise<void>((r) => refuse.listen(0, '127.0.0.1', r));
    const lines: string[] = [];
    const code = await runPluginCommand(
      ['deploy', '--dir', dir, '--server', `http://127.0.0.1:${(refuse.address() as AddressInfo).port}`, '--name', 'other', '--type', 'sinks'],
      { out: (s) => lines.push(s), err: (s) => lines.push(s) },
    );
    refuse.close();
    assert.equal(code, 1);
    assert.match(lines.join('\n'), /400 .*bad zip/);
  });
});
