import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext, describeSourceContract, RecordingIO } from '@oort/sdk/testing';
import plugin, { RandomSource } from './index.js';
import { ManualClock } from './manual-clock.js';

async function started(props: Record<string, unknown>) {
  const clock = new ManualClock();
  const ctx = createTestContext({ clock });
  const io = new RecordingIO();
  const source = plugin.sources!.random!.create();
  await source.provision(ctx, props);
  await source.connect(ctx, io);
  return { clock, ctx, io, source };
}

describe('the random source', () => {
  it('emits one row per interval shaped like the pattern', async () => {
    const { clock, ctx, io, source } = await started({ interval: '1s', seed: 10, pattern: { count: 50, temp: 20.5, device: 'a' } });
    clock.advance(2999);
    assert.equal(io.received.length, 2);
    for (const r of io.rows()) {
      assert.equal(typeof r.count, 'bigint');
      assert.ok((r.count as bigint) >= 0n && (r.count as bigint) < 10n);
      assert.equal(typeof r.temp, 'number');
      assert.ok((r.temp as number) >= 0 && (r.temp as number) < 10);
      assert.equal(r.device, 'a');
    }
    assert.deepEqual(io.received.map((r) => r.ts), [1000, 2000], 'timestamps come from ctx.clock');
    await source.close(ctx);
    clock.advance(10_000);
    assert.equal(io.received.length, 2, 'nothing after close');
    assert.equal(clock.pending, 0);
  });

  it('gives the same sequence for the same randomSeed', async () => {
    const a = await started({ interval: 10, pattern: { v: 1 }, seed: 1000, randomSeed: 42 });
    const b = await started({ interval: 10, pattern: { v: 1 }, seed: 1000, randomSeed: 42 });
    a.clock.advance(100);
    b.clock.advance(100);
    assert.equal(a.io.rows().length, 10);
    assert.deepEqual(a.io.rows(), b.io.rows());
  });

  it('skips rows equal to one of the last N when deduplicating', async () => {
    const { clock, io } = await started({ interval: 1, pattern: { v: 1 }, seed: 3, deduplicate: 2, randomSeed: 7 });
    clock.advance(200);
    const values = io.rows().map((r) => r.v);
    assert.ok(values.length > 0 && values.length < 200);
    for (let i = 1; i < values.length; i++) assert.notEqual(values[i], values[i - 1]);
    for (let i = 2; i < values.length; i++) assert.notEqual(values[i], values[i - 2]);
  });

  it('refuses a missing or empty pattern and a bad interval', () => {
    const ctx = createTestContext();
    assert.throws(() => new RandomSource().provision(ctx, {}), /pattern is required/);
    assert.throws(() => new RandomSource().provision(ctx, { pattern: {} }), /at least one field/);
    assert.throws(() => new RandomSource().provision(ctx, { pattern: { a: 1 }, interval: 'often' }), /interval/);
  });
});

describeSourceContract('random', () => new RandomSource(), { props: { interval: '10ms', pattern: { count: 50 } } });
