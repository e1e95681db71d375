import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext, describeSourceContract, RecordingIO } from '@oort/sdk/testing';
import { ManualClock } from '../../runtime/clock.js';
import { SimulatorSource } from './simulator-source.js';

describe('simulator source', () => {
  it('emits one row per interval and ends when not looping', () => {
    const clock = new ManualClock(0);
    const ctx = createTestContext({ clock });
    const src = new SimulatorSource();
    src.provision(ctx, { data: [{ a: 1 }, { a: 2 }], interval: '1s', loop: false });
    const io = new RecordingIO();
    src.connect(ctx, io);
    clock.advanceTo(1000);
    assert.deepEqual(io.rows(), [{ a: 1 }]);
    clock.advanceTo(5000);
    assert.deepEqual(io.rows(), [{ a: 1 }, { a: 2 }]);
    assert.equal(io.ended, true);
  });

  it('starts over when looping', () => {
    const clock = new ManualClock(0);
    const ctx = createTestContext({ clock });
    const src = new SimulatorSource();
    src.provision(ctx, { data: [{ a: 1 }, { a: 2 }], interval: 10 });
    const io = new RecordingIO();
    src.connect(ctx, io);
    clock.advanceTo(30);
    assert.deepEqual(io.rows(), [{ a: 1 }, { a: 2 }, { a: 1 }]);
    src.close(ctx);
    clock.advanceTo(100);
    assert.equal(io.received.length, 3);
  });

  it('answers lookups from its data', async () => {
    const src = new SimulatorSource();
    src.provision(createTestContext(), { data: [{ id: 1, v: 'x' }, { id: 2, v: 'y' }] });
    assert.deepEqual(await src.lookup(createTestContext(), [], ['id'], [2n]), [{ id: 2, v: 'y' }]);
  });

  it('refuses data that is not a list of objects', () => {
    assert.throws(() => new SimulatorSource().provision(createTestContext(), { data: [1] }), /list of objects/);
  });
});

describeSourceContract('simulator', () => new SimulatorSource(), { props: { data: [{ n: 1 }], interval: 5 } });
