import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type Row } from '@oort/sdk';
import { ManualClock } from '../runtime/clock.js';
import { cachedLookup, LookupCache, lookupCacheKey, parseLookupOptions } from './lookup-cache.js';

function counting(rowsFor: (v: unknown) => Row[]) {
  const calls: unknown[] = [];
  const fetch = async (_f: string[], _k: string[], values: unknown[]) => {
    calls.push(values[0]);
    return rowsFor(values[0]);
  };
  return { calls, fetch };
}

describe('parseLookupOptions', () => {
  it('reads cache, cacheTtl as a duration and cacheMissingKey', () => {
    assert.deepEqual(parseLookupOptions({ lookup: { cache: true, cacheTtl: '10m', cacheMissingKey: true } }), {
      cache: true,
      cacheTtl: 600_000,
      cacheMissingKey: true,
      cacheSize: 10_000,
    });
  });

  it('takes a number of milliseconds and case-insensitive names', () => {
    const o = parseLookupOptions({ Lookup: { Cache: 'true', CACHETTL: 600, cacheSize: 5 } });
    assert.equal(o.cache, true);
    assert.equal(o.cacheTtl, 600);
    assert.equal(o.cacheSize, 5);
  });

  it('leaves the cache off when there is no lookup property', () => {
    assert.equal(parseLookupOptions({}).cache, false);
  });

  it('rejects a ttl that is not a duration', () => {
    assert.throws(() => parseLookupOptions({ lookup: { cache: true, cacheTtl: 'soon' } }), ConfigError);
  });
});

describe('lookupCacheKey', () => {
  it('gives 1 and 1n the same key but the string "1" another', () => {
    assert.equal(lookupCacheKey([], ['id'], [1]), lookupCacheKey([], ['id'], [1n]));
    assert.notEqual(lookupCacheKey([], ['id'], [1]), lookupCacheKey([], ['id'], ['1']));
  });
});

describe('cachedLookup', () => {
  it('answers a repeated key from the cache until the ttl passes on the injected clock', async () => {
    const clock = new ManualClock(1000);
    const { calls, fetch } = counting((v) => [{ id: v }]);
    const lookup = cachedLookup(clock, { cache: true, cacheTtl: 500, cacheMissingKey: false, cacheSize: 10 }, fetch);
    assert.deepEqual(await lookup([], ['id'], [1]), [{ id: 1 }]);
    await lookup([], ['id'], [1]);
    assert.equal(calls.length, 1);
    clock.advanceTo(1499);
    await lookup([], ['id'], [1]);
    assert.equal(calls.length, 1);
    clock.advanceTo(1500);
    await lookup([], ['id'], [1]);
    assert.equal(calls.length, 2);
  });

  it('queries a missing key again unless cacheMissingKey is set', async () => {
    const clock = new ManualClock(0);
    const a = counting(() => []);
    const plain = cachedLookup(clock, { cache: true, cacheTtl: 0, cacheMissingKey: false, cacheSize: 10 }, a.fetch);
    await plain([], ['id'], [7]);
    await plain([], ['id'], [7]);
    assert.equal(a.calls.length, 2);
    const b = counting(() => []);
    const remembering = cachedLookup(clock, { cache: true, cacheTtl: 0, cacheMissingKey: true, cacheSize: 10 }, b.fetch);
    await remembering([], ['id'], [7]);
    await remembering([], ['id'], [7]);
    assert.equal(b.calls.length, 1);
  });

  it('shares one query between concurrent requests for the same key', async () => {
    const { calls, fetch } = counting((v) => [{ id: v }]);
    const lookup = cachedLookup(new ManualClock(0), { cache: true, cacheTtl: 0, cacheMissingKey: false, cacheSize: 10 }, fetch);
    await Promise.all([lookup([], ['id'], [3]), lookup([], ['id'], [3]), lookup([], ['id'], [3])]);
    assert.equal(calls.length, 1);
  });

  it('does not cache a failed query', async () => {
    let fail = true;
    const lookup = cachedLookup(new ManualClock(0), { cache: true, cacheTtl: 0, cacheMissingKey: true, cacheSize: 10 }, async () => {
      if (fail) throw new Error('down');
      return [{ ok: true }];
    });
    await assert.rejects(lookup([], ['id'], [1]), /down/);
    fail = false;
    assert.deepEqual(await lookup([], ['id'], [1]), [{ ok: true }]);
  });

  it('calls the source every time when the cache is off', async () => {
    const { calls, fetch } = counting((v) => [{ id: v }]);
    const lookup = cachedLookup(new ManualClock(0), parseLookupOptions({}), fetch);
    await lookup([], ['id'], [1]);
    await lookup([], ['id'], [1]);
    assert.equal(calls.length, 2);
  });
});

describe('LookupCache', () => {
  it('evicts the least recently used key beyond its size', () => {
    const cache = new LookupCache(new ManualClock(0), { cacheTtl: 0, cacheMissingKey: false, cacheSize: 2 });
    cache.set('a', [{ a: 1 }]);
    cache.set('b', [{ b: 1 }]);
    assert.ok(cache.get('a')); // a is now more recent than b
    cache.set('c', [{ c: 1 }]);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined);
    assert.ok(cache.get('a'));
    assert.ok(cache.get('c'));
  });
});
