import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delivery } from '@oort/sdk';
import { MemoryKV } from '../../store/memory-kv.js';
import { SystemClock } from '../../runtime/clock.js';
import { ConsoleLogger } from '../../runtime/logger.js';
import { AckToken } from './ack-token.js';
import { CheckpointStore } from './checkpoint-store.js';
import { RuleCheckpointer, type RuleCheckpointerOptions } from './rule-checkpointer.js';

/** A processor that counts the records it saw, with the window stage's snapshot interface. */
class CountingProcessor {
  count = 0n;
  seen: string[] = [];
  snapshot(): unknown {
    return { v: 1, kind: 'fake', count: this.count, seen: [...this.seen], at: new Date(0) };
  }
  restore(s: unknown): void {
    const o = s as { count: bigint; seen: string[] };
    this.count = o.count;
    this.seen = [...o.seen];
  }
}

/** A fake source message: acked once, with a stable id. */
class Msg implements Delivery {
  acks = 0;
  constructor(readonly id: string, readonly redelivered = false) {}
  ack(): void {
    this.acks++;
  }
}

interface Rig {
  cp: RuleCheckpointer;
  sinksIdle: { value: boolean };
  held: { value: boolean };
  /** Pushes one message through the node's fan-out and, when admitted, processes it. */
  feed(m: Msg, processed?: boolean): boolean;
}

function rig(kv: MemoryKV, processor: unknown, o: Partial<RuleCheckpointerOptions> = {}): Rig {
  const sinksIdle = { value: true };
  const held = { value: false };
  const cp = new RuleCheckpointer({
    ruleId: 'r1',
    sql: 'SELECT count(*) FROM s GROUP BY TUMBLINGWINDOW(ss, 2)',
    qos: 1,
    intervalMs: 0,
    kv,
    clock: new SystemClock(),
    logger: new ConsoleLogger('silent'),
    processor,
    idleWaitMs: 200,
    ackDelayMs: 60_000, // tests take checkpoints by hand
    idlePollMs: 5,
    hooks: {
      hold: () => (held.value = true),
      resume: () => (held.value = false),
      sinksIdle: () => sinksIdle.value,
    },
    ...o,
  });
  const feed = (m: Msg, processed = true): boolean => {
    // what the source node does: hold while fanning out, release after
    const token = AckToken.of(m);
    const ok = cp.admit(token);
    if (ok && processed) {
      if (processor instanceof CountingProcessor) {
        processor.count++;
        processor.seen.push(m.id);
      }
      cp.onProcessed(1);
    }
    token.done();
    return ok;
  };
  return { cp, sinksIdle, held, feed };
}

const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('RuleCheckpointer', () => {
  it('acknowledges a stateless rule’s messages only once its sinks delivered their results', async () => {
    const r = rig(new MemoryKV(), {});
    r.sinksIdle.value = false;
    const a = new Msg('a'), b = new Msg('b');
    r.feed(a);
    r.feed(b);
    r.cp.afterDrain();
    assert.equal(a.acks + b.acks, 0);
    r.sinksIdle.value = true;
    await waitFor(() => a.acks === 1 && b.acks === 1, 'acks after the sinks caught up');
    r.cp.abort();
  });

  it('does not acknowledge a message still waiting in the input queue', async () => {
    const r = rig(new MemoryKV(), {});
    const a = new Msg('a'), b = new Msg('b');
    r.feed(a);
    r.feed(b, false);
    r.cp.afterDrain();
    assert.equal(a.acks, 1);
    assert.equal(b.acks, 0);
    r.cp.abort();
  });

  it('acknowledges a stateful rule’s messages only after a checkpoint that includes them is written', async () => {
    const kv = new MemoryKV();
    const p = new CountingProcessor();
    const r = rig(kv, p);
    const msgs = [new Msg('a'), new Msg('b'), new Msg('c')];
    for (const m of msgs) r.feed(m);
    r.cp.afterDrain();
    assert.deepEqual(msgs.map((m) => m.acks), [0, 0, 0]);
    assert.equal(await r.cp.checkpoint(), true);
    assert.deepEqual(msgs.map((m) => m.acks), [1, 1, 1]);
    assert.equal(r.held.value, false, 'processing resumes after the checkpoint');
    const cp = new CheckpointStore(kv).load('r1')!;
    assert.equal((cp.state as { count: bigint }).count, 3n);
    assert.ok((cp.state as { at: Date }).at instanceof Date);
    r.cp.abort();
  });

  it('restores the processor state of the last checkpoint on start', async () => {
    const kv = new MemoryKV();
    const p1 = new CountingProcessor();
    const r1 = rig(kv, p1);
    r1.feed(new Msg('a'));
    r1.feed(new Msg('b'));
    await r1.cp.checkpoint();
    r1.feed(new Msg('c')); // processed after the checkpoint: lost with the crash, redelivered
    r1.cp.abort();
    const p2 = new CountingProcessor();
    const r2 = rig(kv, p2);
    assert.equal(r2.cp.restore(), true);
    assert.equal(p2.count, 2n);
    assert.deepEqual(p2.seen, ['a', 'b']);
    r2.cp.abort();
  });

  it('does not restore the checkpoint of a rule whose SQL changed', async () => {
    const kv = new MemoryKV();
    const r1 = rig(kv, new CountingProcessor());
    r1.feed(new Msg('a'));
    await r1.cp.checkpoint();
    const p2 = new CountingProcessor();
    const r2 = rig(kv, p2, { sql: 'SELECT count(*) FROM s GROUP BY TUMBLINGWINDOW(ss, 5)' });
    assert.equal(r2.cp.restore(), false);
    assert.equal(p2.count, 0n);
  });

  it('keeps acknowledgements back and writes nothing while the sinks do not catch up', async () => {
    const kv = new MemoryKV();
    const r = rig(kv, new CountingProcessor());
    const a = new Msg('a');
    r.feed(a);
    r.sinksIdle.value = false;
    assert.equal(await r.cp.checkpoint(), false);
    assert.equal(a.acks, 0);
    assert.equal(kv.get('checkpoint', 'r1'), undefined);
    assert.equal(r.held.value, false);
    r.cp.abort();
  });

  it('never acknowledges a record dropped because the input queue was full', () => {
    const r = rig(new MemoryKV(), {});
    const m = new Msg('a');
    const token = AckToken.of(m);
    r.cp.dropped(token);
    token.done();
    r.cp.afterDrain();
    assert.equal(m.acks, 0);
  });

  it('takes a final checkpoint on a graceful stop', async () => {
    const kv = new MemoryKV();
    const p = new CountingProcessor();
    const r = rig(kv, p);
    const a = new Msg('a');
    r.feed(a);
    await r.cp.close();
    assert.equal(a.acks, 1);
    assert.equal((new CheckpointStore(kv).load('r1')!.state as { count: bigint }).count, 1n);
  });

  it('at QoS 0 with enableSaveStateBeforeStop, holds no acknowledgement and only checkpoints at stop', async () => {
    const kv = new MemoryKV();
    const p = new CountingProcessor();
    const r = rig(kv, p, { qos: 0, ackDelayMs: 1 });
    const a = new Msg('a');
    r.feed(a);
    assert.equal(a.acks, 1, 'acknowledged on receipt');
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(kv.get('checkpoint', 'r1'), undefined);
    await r.cp.close();
    assert.equal((new CheckpointStore(kv).load('r1')!.state as { count: bigint }).count, 1n);
  });

  it('checkpoints soon after unacknowledged messages arrive', async () => {
    const kv = new MemoryKV();
    const r = rig(kv, new CountingProcessor(), { ackDelayMs: 10 });
    const a = new Msg('a');
    r.feed(a);
    await waitFor(() => a.acks === 1, 'the ack-driven checkpoint');
    assert.equal(r.cp.stats.checkpoints, 1);
    r.cp.abort();
  });

  describe('at QoS 2', () => {
    it('drops a redelivered copy of a message covered by the restored checkpoint, and acknowledges it', async () => {
      const kv = new MemoryKV();
      const p1 = new CountingProcessor();
      const r1 = rig(kv, p1, { qos: 2 });
      r1.feed(new Msg('t|1|5'));
      r1.feed(new Msg('t|2|5'));
      await r1.cp.checkpoint();
      r1.cp.abort();
      // crash before the PUBACKs reached the broker: both come again, with a new one
      const p2 = new CountingProcessor();
      const r2 = rig(kv, p2, { qos: 2 });
      r2.cp.restore();
      const again = [new Msg('t|1|5', true), new Msg('t|2|5', true), new Msg('t|3|5', true)];
      assert.deepEqual(again.map((m) => r2.feed(m)), [false, false, true]);
      assert.equal(p2.count, 3n, 'two restored, one new');
      assert.deepEqual(again.slice(0, 2).map((m) => m.acks), [1, 1]);
      assert.equal(r2.cp.stats.duplicates, 2);
      await r2.cp.checkpoint();
      assert.equal(again[2]!.acks, 1);
      r2.cp.abort();
    });

    it('processes a fresh message that reuses the id of a covered one', async () => {
      const kv = new MemoryKV();
      const p = new CountingProcessor();
      const r = rig(kv, p, { qos: 2 });
      r.feed(new Msg('t|1|5'));
      await r.cp.checkpoint();
      assert.equal(r.feed(new Msg('t|1|5', false)), true);
      assert.equal(p.count, 2n);
      r.cp.abort();
    });

    it('acknowledges a copy of a message not covered yet together with the original', async () => {
      const kv = new MemoryKV();
      const r = rig(kv, new CountingProcessor(), { qos: 2 });
      const first = new Msg('t|1|5'), copy = new Msg('t|1|5', true);
      r.feed(first);
      assert.equal(r.feed(copy), false);
      assert.equal(copy.acks, 0);
      await r.cp.checkpoint();
      assert.deepEqual([first.acks, copy.acks], [1, 1]);
      r.cp.abort();
    });

    it('covers a stateless rule by checkpoint so that the ids of processed messages survive a crash', async () => {
      const kv = new MemoryKV();
      const r = rig(kv, {}, { qos: 2 });
      const a = new Msg('t|1|5');
      r.feed(a);
      r.cp.afterDrain();
      assert.equal(a.acks, 0);
      await r.cp.checkpoint();
      assert.equal(a.acks, 1);
      assert.deepEqual(new CheckpointStore(kv).load('r1')!.seen, ['t|1|5']);
      r.cp.abort();
    });
  });
});

describe('CheckpointStore', () => {
  it('keeps bigint, Date and bytes of the state', () => {
    const s = new CheckpointStore(new MemoryKV());
    const state = { n: 12345678901234567890n, d: new Date(5), b: new Uint8Array([1, 2]) };
    s.save({ ruleId: 'x', ts: 1, state, seen: [], fingerprint: 'f' });
    assert.deepEqual(s.load('x')!.state, state);
  });

  it('keeps the previous checkpoint when a write fails', () => {
    const kv = new MemoryKV();
    const s = new CheckpointStore(kv);
    s.save({ ruleId: 'x', ts: 1, state: { n: 1 }, seen: [], fingerprint: 'f' });
    assert.throws(() => s.save({ ruleId: 'x', ts: 2, state: { f: () => 1 }, seen: [], fingerprint: 'f' }));
    assert.deepEqual(s.load('x')!.state, { n: 1 });
  });
});
