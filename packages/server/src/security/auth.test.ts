import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createAuthHook, loadPublicKeys, resolveAuthOptions, type AuthOptions } from './auth.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = 1_800_000_000;

function etcWithKey(): string {
  const etc = mkdtempSync(join(tmpdir(), 'oort-auth-'));
  mkdirSync(join(etc, 'mgmt'));
  writeFileSync(join(etc, 'mgmt', 'sample_key.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  return etc;
}

function jwt(claims: Record<string, unknown>, key: KeyObject = privateKey, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc(header)}.${enc(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

const good = { iss: 'sample_key.pub', aud: ['eKuiper'], exp: NOW + 3600, iat: NOW - 10 };

async function app(opts: Partial<AuthOptions> = {}) {
  const a = Fastify({ routerOptions: { ignoreTrailingSlash: true } }); // as app.ts
  a.addHook('onRequest', createAuthHook({ ...resolveAuthOptions({ etcDir: etcWithKey(), tokens: ['s3cret-token'] }), now: () => NOW, ...opts }));
  a.get('/', async () => ({ version: 'x' }));
  a.get('/ping', async () => '');
  a.get('/rules', async () => ['r1']);
  a.post('/streams', async () => 'created');
  await a.ready();
  return a;
}

test('/ and /ping stay open while every other route needs a credential', async () => {
  const a = await app();
  assert.equal((await a.inject({ url: '/' })).statusCode, 200);
  assert.equal((await a.inject({ url: '/ping' })).statusCode, 200);
  assert.equal((await a.inject({ url: '/ping/' })).statusCode, 200);
  for (const [method, url] of [['GET', '/rules'], ['POST', '/streams'], ['GET', '/no/such/route'], ['GET', '/rules?x=/ping']] as const) {
    const r = await a.inject({ method, url });
    assert.equal(r.statusCode, 401, `${method} ${url}`);
    assert.equal(r.json().error, 6201);
    assert.match(r.json().message, /missing_token/);
    assert.match(String(r.headers['www-authenticate']), /Bearer/);
  }
});

test('a JWT signed with a configured key and meant for eKuiper or oort is accepted, with or without Bearer', async () => {
  const a = await app();
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: `Bearer ${jwt(good)}` } })).statusCode, 200);
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: jwt(good) } })).statusCode, 200, 'eKuiper clients send the bare token');
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: `Bearer ${jwt({ ...good, aud: 'oort' })}` } })).statusCode, 200);
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: `Bearer ${jwt({ ...good, iss: 'sample_key' })}` } })).statusCode, 200);
});

test('bad tokens are refused with a coded 401 saying why', async () => {
  const a = await app();
  const cases: [string, string, RegExp][] = [
    ['wrong key', jwt(good, other.privateKey), /signature/],
    ['unknown issuer', jwt({ ...good, iss: 'nobody.pub' }), /no public key named/],
    ['wrong audience', jwt({ ...good, aud: ['grafana'] }), /audience/],
    ['no audience', jwt({ ...good, aud: undefined }), /audience/],
    ['expired', jwt({ ...good, exp: NOW - 3600 }), /expired/],
    ['not yet valid', jwt({ ...good, nbf: NOW + 3600 }), /not valid yet/],
    ['issued in the future', jwt({ ...good, iat: NOW + 3600 }), /before issued/],
    ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`, /none/],
    ['HS256 with the public key as secret', jwt(good, privateKey, { alg: 'HS256' }), /HS256/],
    ['garbage', 'not-a-token', /malformed|signature/],
    ['tampered claims', (() => { const [h, , s] = jwt(good).split('.'); return `${h}.${Buffer.from(JSON.stringify({ ...good, sub: 'admin' })).toString('base64url')}.${s}`; })(), /signature/],
  ];
  for (const [what, token, why] of cases) {
    const r = await a.inject({ url: '/rules', headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.statusCode, 401, what);
    assert.equal(r.json().error, 6201, what);
    assert.match(r.json().message, why, what);
  }
});

test('a configured static token is accepted and any other string refused', async () => {
  const a = await app();
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: 'Bearer s3cret-token' } })).statusCode, 200);
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: 's3cret-token' } })).statusCode, 200);
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: 'Bearer s3cret-tokeN' } })).statusCode, 401);
  assert.equal((await a.inject({ url: '/rules', headers: { authorization: 'Bearer ' } })).statusCode, 401);
});

test('CORS preflights pass without credentials', async () => {
  const a = await app();
  const r = await a.inject({ method: 'OPTIONS', url: '/rules', headers: { origin: 'http://x', 'access-control-request-method': 'GET' } });
  assert.notEqual(r.statusCode, 401);
});

test('authentication without any key or token refuses to start, and a broken key file is reported', () => {
  const empty = mkdtempSync(join(tmpdir(), 'oort-auth-'));
  assert.throws(() => resolveAuthOptions({ etcDir: empty }), /nobody could call/);
  mkdirSync(join(empty, 'mgmt'));
  writeFileSync(join(empty, 'mgmt', 'broken.pub'), 'not a key');
  assert.throws(() => loadPublicKeys(join(empty, 'mgmt')), /broken\.pub/);
  assert.equal(resolveAuthOptions({ etcDir: etcWithKey() }).publicKeys.size, 1);
});
