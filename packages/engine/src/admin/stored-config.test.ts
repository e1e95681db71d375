import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryKV } from '../store/memory-kv.js';
import { storedConfKeys, storedPlugins } from './stored-config.js';

test('stored conf keys come back unmasked and split into kind, type and key', () => {
  const kv = new MemoryKV();
  kv.set('confKV', 'sources.mqtt.k1', JSON.stringify({ password: 'p', server: 's' }));
  kv.set('confKV', 'connections.sql.c1', JSON.stringify({ url: 'u' }));
  kv.set('confKV', 'bogus', '{}');
  assert.deepEqual(storedConfKeys(kv), [
    { kind: 'connections', type: 'sql', key: 'c1', props: { url: 'u' } },
    { kind: 'sources', type: 'mqtt', key: 'k1', props: { password: 'p', server: 's' } },
  ]);
});

test('stored plugins list type, name and the URL they came from', () => {
  const kv = new MemoryKV();
  kv.set('plugins', 'sinks/mysql', JSON.stringify({ type: 'sinks', name: 'mysql', source: 'https://x/mysql.zip' }));
  kv.set('plugins', 'functions/geo', JSON.stringify({ type: 'functions', name: 'geo' }));
  assert.deepEqual(storedPlugins(kv), [
    { type: 'functions', name: 'geo', file: '' },
    { type: 'sinks', name: 'mysql', file: 'https://x/mysql.zip' },
  ]);
});
