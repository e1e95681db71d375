import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine, testConfig } from '../test/fake-engine.js';
import { buildApp } from '../app.js';
import { silentLogger } from '../logger.js';
import { installSecurity } from './index.js';

// What app.ts is meant to do: buildApp with basic.authentication false here (app.ts still
// refuses true), then the guards installed on the real routes.
test('on the real routes, installSecurity requires a token everywhere but / and /ping', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const etc = mkdtempSync(join(tmpdir(), 'oort-wire-'));
  mkdirSync(join(etc, 'mgmt'));
  writeFileSync(join(etc, 'mgmt', 'k.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const app = buildApp(new FakeEngine(), testConfig(), { log: silentLogger });
  const config = testConfig();
  config.basic.authentication = true;
  installSecurity(app, { config, etcDir: etc, tokens: ['tok'] });
  await app.ready();
  assert.equal((await app.inject({ url: '/ping' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/' })).statusCode, 200);
  const paths = ['/rules', '/streams', '/plugins/sinks', '/metadata/sinks', '/rules/status/all', '/ruleset/export', '/nowhere'];
  for (const url of paths) assert.equal((await app.inject({ url, method: url === '/ruleset/export' ? 'POST' : 'GET' })).statusCode, 401, url);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'RS256' })}.${enc({ iss: 'k.pub', aud: 'eKuiper', exp: Date.now() / 1000 + 60 })}`;
  const token = `${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
  assert.equal((await app.inject({ url: '/rules', headers: { authorization: token } })).statusCode, 200);
  assert.equal((await app.inject({ url: '/streams', headers: { authorization: 'Bearer tok' } })).statusCode, 200);
  // a refused request never reaches body parsing
  const big = await app.inject({ method: 'POST', url: '/streams', payload: '{"a":'.repeat(10000) + '1' + '}'.repeat(10000) });
  assert.equal(big.statusCode, 401);
});
