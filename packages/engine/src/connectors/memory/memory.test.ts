import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createTestContext, describeSinkContract, describeSourceContract, RecordingIO } from '@oort/sdk/testing';
import type { Row } from '@oort/sdk';
import { MemoryBus, memoryBus } from './bus.js';
import { MemorySink } from './memory-sink.js';
import { MemorySource } from './memory-source.js';
import { compileTopicFilter } from './topic-match.js';

describe('memory topic filters', () => {
  const cases: [string, string, boolean][] = [
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', false],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a', false],
    ['+/b', 'x/b', true],
    ['a/+/c', 'a/x/c', true],
    ['a/+/c', 'a/x/d', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'ab/c', false],
    ['#', 'anything/at/all', true],
    ['home/+/sensor1', 'home/ch1/sensor1', true],
    ['home/+/sensor1', 'xhome/ch1/sensor1x', false],
  ];
  for (const [filter, topic, want] of cases) {
    it(`${want ? 'matches' : 'does not match'} ${topic} with ${filter}`, () => {
      assert.equal(compileTopicFilter(filter)(topic), want);
    });
  }

  it('refuses # before the last level', () => {
    assert.throws(() => compileTopicFilter('a/#/b'));
  });
});

describe('MemoryBus', () => {
  it('delivers to many subscribers and stops after unsubscribe', () => {
    const bus = new MemoryBus();
    const got: string[] = [];
    const off1 = bus.subscribe('s/+', (t) => got.push('1:' + t));
    bus.subscribe('s/#', (t) => got.push('2:' + t));
    assert.equal(bus.publish('s/x', [{ a: 1 }]), 2);
    off1();
    assert.equal(bus.publish('s/x', [{ a: 1 }]), 1);
    assert.deepEqual(got, ['1:s/x', '2:s/x', '2:s/x']);
  });

  it('routes topics published before a new subscription to it too', () => {
    const bus = new MemoryBus();
    bus.publish('t/1', []);
    const got: Row[][] = [];
    bus.subscribe('t/1', (_t, rows) => got.push(rows));
    bus.publish('t/1', [{ v: 1 }]);
    assert.deepEqual(got, [[{ v: 1 }]]);
  });
});

describe('memory source and sink', () => {
  it('carry rows from a sink to a wildcard source with the topic as meta', async () => {
    const base = `pipe_${randomUUID()}`;
    const ctx = createTestContext();
    const src = new MemorySource();
    src.provision(ctx, { datasource: `${base}/+/sensor1` });
    const io = new RecordingIO();
    src.connect(ctx, io);
    const sink = new MemorySink();
    sink.provision(ctx, { topic: `${base}/ch1/sensor1` });
    sink.connect(ctx, () => {});
    await sink.collect(ctx, { rows: [{ a: 1 }, { a: 2 }], props: {} });
    await sink.collect(ctx, { rows: [{ a: 3 }], props: { topic: `${base}/ch2/sensor1` } });
    await sink.collect(ctx, { rows: [{ a: 4 }], props: { topic: `${base}/ch2/other` } });
    assert.deepEqual(io.rows(), [{ a: 1 }, { a: 2 }, { a: 3 }]);
    assert.deepEqual(io.received[1]!.meta, { topic: `${base}/ch2/sensor1` });
    src.close();
  });

  it('refuses wildcards in the sink topic', () => {
    assert.throws(() => new MemorySink().provision(createTestContext(), { topic: 'a/+' }), /wildcards/);
  });
});

{
  let topic = '';
  describeSinkContract('memory', () => new MemorySink(), {
    props: () => ({ topic: (topic = `contract_${randomUUID()}`) }),
  });
  describeSourceContract('memory', () => new MemorySource(), {
    props: () => ({ datasource: (topic = `contract_src_${randomUUID()}`) }),
    produce: () => void memoryBus.publish(topic, [{ n: 1 }]),
  });
}

describe('memory lookup tables', () => {
  it('accumulate rows published on the topic, keyed by KEY', async () => {
    const topic = `lookup_${randomUUID()}`;
    const ctx = createTestContext();
    const table = new MemorySource();
    table.provision(ctx, { datasource: topic, key: 'id' });
    table.connect(ctx, new RecordingIO());
    const sink = new MemorySink();
    sink.provision(ctx, { topic });
    await sink.collect(ctx, { rows: [{ id: 1, v: 'a' }, { id: 2, v: 'b' }, { id: 1, v: 'c' }], props: {} });
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [1n]), [{ id: 1, v: 'c' }]);
    assert.deepEqual(await table.lookup!(ctx, [], ['v'], ['b']), [{ id: 2, v: 'b' }]);
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [3]), []);
    table.close(ctx);
  });

  it('apply insert, update and delete from an updatable sink', async () => {
    const topic = `lookup_${randomUUID()}`;
    const ctx = createTestContext();
    const table = new MemorySource();
    table.provision(ctx, { datasource: topic, key: 'id' });
    table.connect(ctx, new RecordingIO());
    const sink = new MemorySink();
    sink.provision(ctx, { topic, rowkindField: 'action', keyField: 'id' });
    await sink.collect(ctx, { rows: [{ id: 1, v: 'a', action: 'insert' }, { id: 2, v: 'b' }], props: {} });
    await sink.collect(ctx, { rows: [{ id: 1, v: 'x', action: 'insert' }, { id: 2, w: 1, action: 'update' }, { id: 3, action: 'update' }], props: {} });
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [1]), [{ id: 1, v: 'a', action: 'insert' }]);
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [2]), [{ id: 2, v: 'b', w: 1, action: 'update' }]);
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [3]), []);
    await sink.collect(ctx, { rows: [{ id: 1, action: 'delete' }], props: {} });
    assert.deepEqual(await table.lookup!(ctx, [], ['id'], [1]), []);
    table.close(ctx);
  });

  it('requires keyField with rowkindField', () => {
    assert.throws(() => new MemorySink().provision(createTestContext(), { topic: 't', rowkindField: 'k' }), /keyField/);
  });
});
