import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installRequestLimits, jsonLimitBreach } from './request-limits.js';

const nested = (n: number) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) as unknown;

test('bodies nested deeper than the limit are refused with a coded 400 before the route runs', async () => {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  let reached = 0;
  app.post('/rules', async () => ++reached);
  installRequestLimits(app, { maxDepth: 64 });
  await app.ready();
  const deep = await app.inject({ method: 'POST', url: '/rules', headers: { 'content-type': 'application/json' }, payload: '['.repeat(10000) + ']'.repeat(10000) });
  assert.equal(deep.statusCode, 400);
  assert.deepEqual(deep.json(), { error: 6001, message: 'Invalid body: nested deeper than 64 levels' });
  const ok = await app.inject({ method: 'POST', url: '/rules', payload: { id: 'r', actions: [{ mqtt: { props: { a: [1, 2] } } }] } });
  assert.equal(ok.statusCode, 200);
  assert.equal(reached, 1);
  const big = await app.inject({ method: 'POST', url: '/rules', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ s: 'x'.repeat(2 * 1024 * 1024) }) });
  assert.equal(big.statusCode, 413, 'the byte limit is fastify bodyLimit (basic.maxRequestBodyBytes)');
});

test('the depth and value counts are measured without recursion', () => {
  assert.equal(jsonLimitBreach(nested(64), { maxDepth: 64 }), undefined);
  assert.equal(jsonLimitBreach(nested(65), { maxDepth: 64 }), 'nested deeper than 64 levels');
  assert.equal(jsonLimitBreach(nested(100000), { maxDepth: 64 }), 'nested deeper than 64 levels');
  assert.equal(jsonLimitBreach(Array.from({ length: 11 }, () => 0), { maxValues: 10 }), 'more than 10 values');
  assert.equal(jsonLimitBreach('a string'), undefined);
  assert.equal(jsonLimitBreach(undefined), undefined);
});
