import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SinkItem } from '@oort/sdk';
import { DiskPages } from './disk-pages.js';
import { removeRuleCache, sinkCacheDir } from './cache-dir.js';

const item = (n: number): SinkItem => ({ rows: [{ n: BigInt(n), f: n + 0.5, at: new Date(n * 1000), raw: new Uint8Array([n, 255]) }], payload: new Uint8Array([n]), props: { topic: `t/${n}` } });

test('pages come back in order with bigint, Date and bytes intact, after a reopen too', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'oort-pages-')), 'c');
  const d = DiskPages.open(dir);
  d.append([item(3), item(4)]);
  d.append([item(5)]);
  d.prepend([item(1), item(2)]);
  d.prepend([item(0)]);
  assert.deepEqual([d.pages, d.items], [4, 6]);
  d.close();
  assert.equal(DiskPages.exists(dir), true);
  const again = DiskPages.open(dir);
  assert.deepEqual([again.pages, again.items], [4, 6]);
  const got: SinkItem[] = [];
  for (let p = again.shiftPage(); p; p = again.shiftPage()) got.push(...p);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5].map(item));
  assert.equal(typeof got[2]!.rows![0]!.n, 'bigint');
  assert.ok(got[2]!.rows![0]!.at instanceof Date);
  assert.ok(got[2]!.payload instanceof Uint8Array);
  again.append([item(9)]);
  assert.deepEqual(again.shiftPage(), [item(9)]);
  again.destroy();
  assert.equal(existsSync(dir), false);
});

test('cache folders are per rule and sink, and ids cannot leave the cache folder', () => {
  assert.equal(sinkCacheDir('/d', 'r1', 'mqtt_0'), '/d/cache/r1/mqtt_0');
  assert.equal(sinkCacheDir('/d', '../../etc', 'mqtt_0'), '/d/cache/..%2F..%2Fetc/mqtt_0');
  assert.equal(sinkCacheDir('/d', '..', 'x'), '/d/cache/%2E./x');
  const data = mkdtempSync(join(tmpdir(), 'oort-pages-'));
  DiskPages.open(sinkCacheDir(data, 'r2', 'rest_0')).close();
  removeRuleCache(data, 'r2');
  assert.equal(existsSync(join(data, 'cache', 'r2')), false);
});
