import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OortError } from '../errors.js';
import { fetchArchive, isPrivateAddress, type FetchOptions } from './fetch-archive.js';
import { sha256, tempData, type TempData } from './test-support.js';

const body = Buffer.from('PK fake zip body');

describe('fetchArchive', () => {
  let t: TempData;
  let server: Server;
  let base: string;
  const opts = (o: Partial<FetchOptions> = {}): FetchOptions => ({
    dataDir: t.dir,
    allowExternalFileAccess: false,
    enablePrivateNet: false,
    restListensOnLoopbackOnly: true,
    maxDownloadBytes: 1000,
    downloadTimeoutMs: 2000,
    ...o,
  });

  before(async () => {
    t = tempData();
    server = createServer((req, res) => {
      if (req.url === '/p.zip') res.writeHead(200).end(body);
      else if (req.url === '/moved.zip') res.writeHead(302, { location: '/p.zip' }).end();
      else if (req.url === '/loop.zip') res.writeHead(302, { location: '/loop.zip' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    t.cleanup();
  });

  it('downloads over http, hashes and cleans up', async () => {
    const got = await fetchArchive(`${base}/p.zip`, sha256(body), opts());
    assert.equal(got.sha256, sha256(body));
    assert.equal(got.size, body.length);
    assert.ok(existsSync(got.path));
    await got.cleanup();
    assert.equal(existsSync(got.path), false);
  });

  it('follows a redirect but not a loop', async () => {
    const got = await fetchArchive(`${base}/moved.zip`, undefined, opts());
    assert.equal(got.sha256, sha256(body));
    await got.cleanup();
    await assert.rejects(fetchArchive(`${base}/loop.zip`, undefined, opts()), (e: OortError) => e.errorName === 'PLUGIN_DOWNLOAD' && /redirects/.test(e.message));
  });

  it('reports an HTTP error status', async () => {
    await assert.rejects(fetchArchive(`${base}/missing.zip`, undefined, opts()), (e: OortError) => e.errorName === 'PLUGIN_DOWNLOAD' && /HTTP 404/.test(e.message));
    assert.deepEqual(readdirSync(join(t.dir, 'plugins')).filter((n) => n.startsWith('.tmp-')), []);
  });

  it('refuses URLs that are not zips or use other schemes, and malformed sha256', async () => {
    await assert.rejects(fetchArchive(`${base}/p.tar`, undefined, opts()), (e: OortError) => e.errorName === 'BAD_REQUEST');
    await assert.rejects(fetchArchive('ftp://host/p.zip', undefined, opts()), (e: OortError) => e.errorName === 'BAD_REQUEST');
    await assert.rejects(fetchArchive('not a url', undefined, opts()), (e: OortError) => e.errorName === 'BAD_REQUEST');
    await assert.rejects(fetchArchive(`${base}/p.zip`, 'abc', opts()), (e: OortError) => e.errorName === 'BAD_REQUEST');
  });

  it('reads file:// anywhere only with allowExternalFileAccess', async () => {
    const url = new URL(`file://${join(t.dir, 'nowhere.zip')}`).href;
    await assert.rejects(fetchArchive(url, undefined, opts({ allowExternalFileAccess: true })), (e: OortError) => e.errorName === 'PLUGIN_DOWNLOAD' && /no such file/.test(e.message));
  });

  it('allows private addresses when private networking is enabled', async () => {
    const got = await fetchArchive(`${base}/p.zip`, undefined, opts({ restListensOnLoopbackOnly: false, enablePrivateNet: true }));
    await got.cleanup();
  });
});

describe('isPrivateAddress', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['8.8.8.8', false],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['2001:4860:4860::8888', false],
  ];
  for (const [addr, priv] of cases) it(`${priv ? 'flags' : 'passes'} ${addr}`, () => assert.equal(isPrivateAddress(addr), priv));
});
