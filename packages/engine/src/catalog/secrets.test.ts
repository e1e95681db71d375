import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskDeep, restoreMasked, MASK } from './secrets.js';
import { ConfKeys } from './conf-keys.js';
import { MemoryKV } from '../store/memory-kv.js';

test('secret-looking properties are masked at any depth, other values untouched', () => {
  const rule = { id: 'r', actions: [{ mqtt: { server: 's', password: 'p', properties: { token: 't', n: 1 } } }] };
  assert.deepEqual(maskDeep(rule), { id: 'r', actions: [{ mqtt: { server: 's', password: MASK, properties: { token: MASK, n: 1 } } }] });
  assert.equal(rule.actions[0]!.mqtt.password, 'p', 'the original is not changed');
});

test('a masked value sent back keeps the stored secret; a new value replaces it', () => {
  const stored = { actions: [{ mqtt: { password: 'old', user: 'u' } }] };
  assert.deepEqual(restoreMasked({ actions: [{ mqtt: { password: MASK, user: 'v' } }] }, stored), { actions: [{ mqtt: { password: 'old', user: 'v' } }] });
  assert.deepEqual(restoreMasked({ actions: [{ mqtt: { password: 'new' } }] }, stored), { actions: [{ mqtt: { password: 'new' } }] });
});

test('conf keys: GET shows masks, PUT of the masked props keeps the password', () => {
  const keys = new ConfKeys(new MemoryKV());
  keys.put('sources', 'mqtt', 'k', { server: 'tcp://h:1883', password: 'secret' });
  const shown = keys.listMasked('sources', 'mqtt');
  assert.deepEqual(shown, { k: { server: 'tcp://h:1883', password: MASK } });
  keys.put('sources', 'mqtt', 'k', { ...shown.k, server: 'tcp://other:1883' });
  assert.deepEqual(keys.list('sources', 'mqtt').k, { server: 'tcp://other:1883', password: 'secret' });
});
