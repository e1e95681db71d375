import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '@oort/engine';
import { checkUrl, isLoopbackHost, urlPolicyFromConfig, type UrlPolicy } from './url-policy.js';
import { isPrivateAddress } from '@oort/engine';

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'oort-url-'));
  mkdirSync(join(d, 'uploads'));
  writeFileSync(join(d, 'uploads', 'plugin.zip'), 'zip');
  writeFileSync(join(d, 'secret.txt'), 'secret');
  symlinkSync(join(d, 'secret.txt'), join(d, 'uploads', 'link.zip'));
  return d;
}

function policy(over: Partial<ReturnType<typeof defaultConfig>['basic']> = {}, dir = dataDir()): UrlPolicy {
  const c = defaultConfig();
  c.dataDir = dir;
  Object.assign(c.basic, over);
  return urlPolicyFromConfig(c);
}

const refuses = async (url: string, p: UrlPolicy, why: RegExp) =>
  assert.rejects(checkUrl(url, p), (e: Error & { code?: number }) => {
    assert.equal(e.code, 6001, `${url}: ${e.message}`);
    assert.match(e.message, why);
    return true;
  }, url);

test('file:// reads only inside <dataDir>/uploads unless external access is allowed', async () => {
  const d = dataDir();
  const p = policy({}, d);
  await checkUrl(pathToFileURL(join(d, 'uploads', 'plugin.zip')).href, p);
  await refuses(pathToFileURL(join(d, 'secret.txt')).href, p, /outside .*allowExternalFileAccess/);
  await refuses(`file://${d}/uploads/../secret.txt`, p, /outside/);
  await refuses(pathToFileURL(join(d, 'uploads', 'link.zip')).href, p, /outside/);
  await refuses(pathToFileURL(join(d, 'uploads')).href, p, /outside/);
  await refuses('file://evil.example/etc/passwd', p, /remote host/);
  await checkUrl(pathToFileURL(join(d, 'secret.txt')).href, policy({ allowExternalFileAccess: true }, d));
});

test('while the API listens on loopback only, downloads from local and private addresses work out of the box', async () => {
  const p = policy({ restIp: '127.0.0.1' });
  assert.equal(p.allowPrivateNet, true);
  for (const u of ['http://127.0.0.1:8080/a.zip', 'http://localhost/a.zip', 'http://192.168.1.5/a.zip', 'https://10.0.0.1/a.zip']) await checkUrl(u, p);
});

test('once the API listens on other interfaces, private addresses are refused unless enablePrivateNet', async () => {
  const p = policy({ restIp: '0.0.0.0' });
  assert.equal(p.allowPrivateNet, false);
  for (const u of [
    'http://127.0.0.1/a.zip', 'http://localhost:9081/a.zip', 'http://10.1.2.3/a.zip', 'http://172.16.0.1/', 'http://192.168.0.1/',
    'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[fd00::1]/', 'http://[fe80::1]/',
    'http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0.0.0.0/', 'http://100.64.0.1/',
  ]) await refuses(u, p, /private address .*enablePrivateNet/);
  await checkUrl('http://127.0.0.1/a.zip', policy({ restIp: '0.0.0.0', enablePrivateNet: true }));
  await checkUrl('http://93.184.215.14/a.zip', p);
});

test('other schemes and unparsable URLs are refused', async () => {
  const p = policy();
  await refuses('ftp://example.com/a.zip', p, /unsupported URL scheme/);
  await refuses('gopher://127.0.0.1/', p, /unsupported/);
  await refuses('javascript:alert(1)', p, /unsupported/);
  await refuses('not a url', p, /invalid URL/);
});

test('private address ranges include every spelling of IPv4-mapped IPv6', () => {
  for (const a of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.127.0.1', '0.0.0.0', '::1', '::',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:a00:1]', 'fc00::1', 'fdab::1', 'fe80::1%eth0', 'febf::1', 'ff02::1', '224.0.0.1']) {
    assert.equal(isPrivateAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'example.com']) assert.equal(isPrivateAddress(a), false, a);
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('::1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.equal(isLoopbackHost('192.168.1.2'), false);
});
