import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSinkCacheOptions } from './cache-options.js';

test('the cache is on by default for network and plugin sinks and off for local ones', () => {
  for (const t of ['mqtt', 'rest', 'mysql', 'influx']) assert.equal(resolveSinkCacheOptions(t, {}).enabled, true, t);
  for (const t of ['log', 'nop', 'memory', 'file']) assert.equal(resolveSinkCacheOptions(t, {}).enabled, false, t);
  assert.equal(resolveSinkCacheOptions('log', { enableCache: true }).enabled, true);
  assert.equal(resolveSinkCacheOptions('mqtt', { enableCache: 'false' }).enabled, false);
  assert.equal(resolveSinkCacheOptions('file', {}, { enableCache: true }).enabled, true);
});

test('thresholds are rounded up to whole pages as in eKuiper', () => {
  const o = resolveSinkCacheOptions('mqtt', { bufferPageSize: 100, memoryCacheThreshold: 150, maxDiskCache: '1001' });
  assert.equal(o.memoryCacheThreshold, 200);
  assert.equal(o.maxDiskCache, 1100);
  const d = resolveSinkCacheOptions('mqtt', {});
  assert.deepEqual([d.memoryCacheThreshold, d.maxDiskCache, d.bufferPageSize, d.resendIntervalMs, d.overflow], [1024, 1024000, 256, 0, 'block']);
});

test('action properties win over the server defaults', () => {
  const o = resolveSinkCacheOptions('rest', { resendInterval: '2s' }, { resendInterval: '1s', bufferPageSize: 10, resendIndicatorField: 'again' });
  assert.equal(o.resendIntervalMs, 2000);
  assert.equal(o.bufferPageSize, 10);
  assert.equal(o.resendIndicatorField, 'again');
});

test('unusable values are refused with a message naming the property', () => {
  assert.throws(() => resolveSinkCacheOptions('mqtt', { overflow: 'spill' }), /overflow/);
  assert.throws(() => resolveSinkCacheOptions('mqtt', { bufferPageSize: 0 }), /bufferPageSize/);
  assert.throws(() => resolveSinkCacheOptions('mqtt', { resendPriority: 2 }), /resendPriority/);
  assert.throws(() => resolveSinkCacheOptions('mqtt', { resendInterval: 'soon' }), /resendInterval/);
  assert.throws(() => resolveSinkCacheOptions('mqtt', { enableCache: 'yes' }), /enableCache/);
});
