import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlakySink, rows, sinkNode, until } from './test-sinks.js';
import { sinkCacheDir } from './cache-dir.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'oort-cache-'));
const ns = (got: { n?: unknown }[]) => got.map((r) => r.n);
const status = (node: { metrics: { writeTo(o: Record<string, unknown>): void } }) => {
  const o: Record<string, unknown> = {};
  node.metrics.writeTo(o);
  return o;
};
const failures = (node: Parameters<typeof status>[0]) => status(node)['sink_rest_0_0_exceptions_total'] as number;
const small = { memoryCacheThreshold: 4, bufferPageSize: 2, maxDiskCache: 1000 };

test('after an outage every result is delivered once, in order, and the resent rows are marked', async () => {
  const dataDir = tmp();
  const sink = new FlakySink();
  const { node } = sinkNode(sink, { dataDir });
  await node.open({ ...small, resendIndicatorField: 'resent' });
  node.push(rows(0, 5));
  await until(() => sink.got.length === 5, 'first results');
  sink.down = true;
  node.push(rows(5, 50));
  await until(() => status(node)['sink_rest_0_0_cache_disk_length'] as number > 0, 'results spilled to disk');
  assert.ok(existsSync(sinkCacheDir(dataDir, 'r1', 'rest_0')));
  await until(() => failures(node) >= 3, 'failed sends');
  node.push(rows(50, 60));
  sink.down = false;
  await until(() => sink.got.length === 60, 'all results after recovery');
  assert.deepEqual(ns(sink.got), rows(0, 60).map((r) => r.n));
  assert.equal(sink.got.slice(0, 5).some((r) => r.resent), false);
  assert.ok(sink.got.slice(5, 50).every((r) => r.resent === true), 'results queued during the outage are marked');
  const s = status(node);
  assert.equal(s['sink_rest_0_0_records_out_total'], 60);
  assert.equal(s['sink_rest_0_0_dropped_total'], 0);
  assert.ok((s['sink_rest_0_0_resent_total'] as number) >= 45);
  assert.equal(s['sink_rest_0_0_buffer_length'], 0);
  await node.close();
  assert.equal(existsSync(sinkCacheDir(dataDir, 'r1', 'rest_0')), false, 'an empty cache leaves no files');
});

test('results cached when the server stops are sent by the next start before new ones', async () => {
  const dataDir = tmp();
  const first = new FlakySink();
  first.down = true;
  const a = sinkNode(first, { dataDir }).node;
  await a.open(small);
  a.push(rows(0, 23));
  await until(() => first.attempts > 0, 'a first attempt');
  assert.equal(status(a)['sink_rest_0_0_buffer_length'], 23, 'buffer_length counts cached results');
  await a.close();
  assert.ok(existsSync(sinkCacheDir(dataDir, 'r1', 'rest_0')));

  const second = new FlakySink();
  const b = sinkNode(second, { dataDir }).node;
  await b.open(small);
  b.push(rows(23, 30));
  await until(() => second.got.length === 30, 'cached and new results');
  assert.deepEqual(ns(second.got), rows(0, 30).map((r) => r.n));
  await b.close();
});

test('cleanCacheAtStop drops what is left when the rule stops', async () => {
  const dataDir = tmp();
  const sink = new FlakySink();
  sink.down = true;
  const { node } = sinkNode(sink, { dataDir });
  await node.open({ ...small, cleanCacheAtStop: true });
  node.push(rows(0, 20));
  await until(() => failures(node) > 0, 'a failed send');
  await node.close();
  assert.equal(existsSync(sinkCacheDir(dataDir, 'r1', 'rest_0')), false);
  assert.equal(status(node)['sink_rest_0_0_dropped_total'], 20);
});

test('a healthy sink never touches the disk', async () => {
  const dataDir = tmp();
  const sink = new FlakySink();
  const { node } = sinkNode(sink, { dataDir });
  await node.open({});
  for (let i = 0; i < 100; i++) node.push(rows(i, i + 1));
  await until(() => sink.got.length === 100, 'all results');
  assert.equal(existsSync(join(dataDir, 'cache')), false);
  await node.close();
});

test('the block policy reports full and resumes the rule after recovery', async () => {
  const dataDir = tmp();
  const sink = new FlakySink();
  sink.down = true;
  const { node, drains } = sinkNode(sink, { dataDir });
  await node.open({ memoryCacheThreshold: 2, bufferPageSize: 2, maxDiskCache: 2 });
  node.push(rows(0, 1));
  await until(() => failures(node) > 0, 'a failed send');
  node.push(rows(1, 5));
  assert.equal(node.full, true);
  node.push(rows(5, 6)); // the block policy never drops what the rule already produced
  const before = drains();
  sink.down = false;
  await until(() => sink.got.length === 6, 'all results');
  assert.ok(drains() > before, 'the rule was told to resume');
  assert.equal(node.full, false);
  assert.deepEqual(ns(sink.got), [0, 1, 2, 3, 4, 5]);
  assert.equal(status(node)['sink_rest_0_0_dropped_total'], 0);
  await node.close();
});

test('the dropOldest policy keeps the newest results and counts the dropped ones', async () => {
  const sink = new FlakySink();
  sink.down = true;
  const { node } = sinkNode(sink, { dataDir: tmp() });
  await node.open({ memoryCacheThreshold: 2, bufferPageSize: 2, maxDiskCache: 2, overflow: 'dropOldest' });
  node.push(rows(0, 1));
  await until(() => failures(node) > 0, 'a failed send');
  node.push(rows(1, 10));
  assert.equal(node.full, false);
  sink.down = false;
  await until(() => sink.got.length === 5, 'the kept results');
  assert.deepEqual(ns(sink.got), [0, 6, 7, 8, 9]);
  assert.equal(status(node)['sink_rest_0_0_dropped_total'], 5);
  await node.close();
});

test('the dropNewest policy keeps the oldest results and counts the dropped ones', async () => {
  const sink = new FlakySink();
  sink.down = true;
  const { node } = sinkNode(sink, { dataDir: tmp() });
  await node.open({ memoryCacheThreshold: 2, bufferPageSize: 2, maxDiskCache: 2, overflow: 'dropNewest' });
  node.push(rows(0, 1));
  await until(() => failures(node) > 0, 'a failed send');
  node.push(rows(1, 10));
  sink.down = false;
  await until(() => sink.got.length === 5, 'the kept results');
  assert.deepEqual(ns(sink.got), [0, 1, 2, 3, 4]);
  assert.equal(status(node)['sink_rest_0_0_dropped_total'], 5);
  await node.close();
});

test('a result the sink refuses for good is dropped and counted, the next ones still go', async () => {
  const sink = new FlakySink();
  sink.poison.add(3);
  const { node } = sinkNode(sink, { dataDir: tmp() });
  await node.open(small);
  node.push(rows(0, 6));
  await until(() => sink.got.length === 5, 'the other results');
  assert.deepEqual(ns(sink.got), [0, 1, 2, 4, 5]);
  const s = status(node);
  assert.equal(s['sink_rest_0_0_dropped_total'], 1);
  assert.equal(s['sink_rest_0_0_exceptions_total'], 1);
  await node.close();
});

test('resendInterval paces the resending of cached results', async () => {
  const sink = new FlakySink();
  sink.down = true;
  const { node } = sinkNode(sink, { dataDir: tmp() });
  await node.open({ ...small, resendInterval: '40ms' });
  node.push(rows(0, 6));
  await until(() => failures(node) > 0, 'a failed send');
  sink.down = false;
  const start = Date.now();
  await until(() => sink.got.length === 6, 'all results');
  assert.ok(Date.now() - start >= 5 * 40 - 10, `six resends took ${Date.now() - start} ms`);
  await node.close();
});

test('without the cache a local sink keeps the plain memory queue', async () => {
  const sink = new FlakySink();
  const { node } = sinkNode(sink, { name: 'log_0', dataDir: tmp() });
  await node.open({});
  node.push(rows(0, 3));
  await until(() => sink.got.length === 3, 'results');
  assert.equal('sink_log_0_0_cache_length' in status(node), false);
  await node.close();
});
