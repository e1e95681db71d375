import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IOError, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { createStreamContext } from '../context.js';
import { SystemClock } from '../clock.js';
import { ConsoleLogger } from '../logger.js';
import { SinkNode } from './sink-node.js';

/** A sink whose collects stay pending until the test settles them. */
class HeldSink implements Sink {
  readonly kind = 'tuple';
  readonly calls: { n: number; resolve(): void; reject(e: Error): void }[] = [];
  /** Items in the order the sink confirmed them. */
  readonly landed: number[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  constructor(readonly maxInFlight: number) {}
  provision(): void {}
  connect(): void {}
  collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const n = item.rows![0]!.n as number;
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    return new Promise((resolve, reject) => {
      this.calls.push({
        n,
        resolve: () => {
          this.outstanding--;
          this.landed.push(n);
          resolve();
        },
        reject: (e) => {
          this.outstanding--;
          reject(e);
        },
      });
    });
  }
  close(): void {}
  /** Settles the oldest pending call. */
  next(fail?: Error): number {
    const c = this.calls.shift();
    assert.ok(c, 'a collect is pending');
    if (fail) c.reject(fail);
    else c.resolve();
    return c.n;
  }
}

function sinkNode(sink: Sink) {
  const ctx = createStreamContext({ ruleId: 'r', opId: 'sink', logger: new ConsoleLogger('silent'), clock: new SystemClock(), signal: new AbortController().signal });
  return new SinkNode({
    name: 'held_0',
    sink,
    ctx,
    transform: (rows: Row[]) => rows.map((r) => ({ rows: [r], props: {} })),
    bufferLength: 1024,
    batchSize: 0,
    lingerInterval: 0,
    onDrain: () => {},
    retryBackoff: { delay: 1, multiplier: 1, maxDelay: 1, jitterFactor: 0 },
  });
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

const rows = (from: number, to: number): Row[] => Array.from({ length: to - from }, (_, i) => ({ n: from + i }));

describe('SinkNode with a pipelined sink', () => {
  it('keeps up to maxInFlight collects outstanding and confirms them in order', async () => {
    const sink = new HeldSink(4);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 10));
    await until(() => sink.calls.length === 4);
    for (let i = 0; i < 10; i++) {
      await until(() => sink.calls.length > 0);
      assert.equal(sink.next(), i);
    }
    await until(() => node.metrics.recordsOut === 10);
    assert.equal(sink.maxOutstanding, 4);
    assert.deepEqual(sink.landed, rows(0, 10).map((r) => r.n));
    assert.equal(node.pending, 0);
    assert.ok(node.metrics.lastInvocation > 0, 'sink lastInvocation');
    assert.ok(node.transformMetrics.lastInvocation > 0, 'transform lastInvocation');
    await node.close();
  });

  it('resends the failed item and everything sent after it, in order, after a retryable failure', async () => {
    const sink = new HeldSink(4);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 4));
    await until(() => sink.calls.length === 4);
    assert.equal(sink.next(), 0);
    assert.equal(sink.next(new IOError('broker gone')), 1);
    // 2 lands, 3 fails: both are sent again after 1
    assert.equal(sink.next(), 2);
    assert.equal(sink.next(new IOError('still gone')), 3);
    const resent: number[] = [];
    await until(() => sink.calls.length > 0);
    resent.push(sink.next());
    node.push(rows(4, 6));
    while (resent.length < 5) {
      await until(() => sink.calls.length > 0);
      resent.push(sink.next());
    }
    assert.deepEqual(resent, [1, 2, 3, 4, 5]);
    await until(() => node.metrics.recordsOut === 6);
    // at least once: every item landed, in order from the failed one on
    assert.deepEqual(sink.landed, [0, 2, 1, 2, 3, 4, 5]);
    assert.equal(node.metrics.resent, 3);
    assert.equal(node.metrics.exceptions, 2);
    await node.close();
  });

  it('drops only the item of a non-retryable failure and keeps the others in order', async () => {
    const sink = new HeldSink(3);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 5));
    const seen: number[] = [];
    await until(() => sink.calls.length === 3);
    seen.push(sink.next());
    seen.push(sink.next(new Error('refused')));
    while (seen.length < 5) {
      await until(() => sink.calls.length > 0);
      seen.push(sink.next());
    }
    await until(() => node.metrics.recordsOut === 4);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.deepEqual(sink.landed, [0, 2, 3, 4]);
    await node.close();
  });

  it('waits for outstanding collects when it closes', async () => {
    const sink = new HeldSink(8);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 3));
    await until(() => sink.calls.length === 3);
    const closing = node.close();
    for (let i = 0; i < 3; i++) sink.next();
    await closing;
    assert.deepEqual(sink.landed, [0, 1, 2]);
    assert.equal(node.metrics.recordsOut, 3);
  });

  it('stamps last invocation of the sink and its transform while a pump keeps running', async () => {
    const sink = new HeldSink(1);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 1));
    await until(() => sink.calls.length === 1);
    node.transformMetrics.lastInvocation = 0;
    node.push(rows(1, 2)); // arrives while the pump waits for item 0
    assert.equal(node.transformMetrics.lastInvocation, 0);
    sink.next();
    await until(() => sink.calls.length === 1);
    sink.next();
    await until(() => node.metrics.recordsOut === 2);
    assert.ok(node.transformMetrics.lastInvocation > 0);
    assert.ok(node.metrics.lastInvocation > 0);
    await node.close();
  });

  it('sends one item at a time when the sink does not declare maxInFlight', async () => {
    const sink = new HeldSink(1);
    const node = sinkNode(sink);
    await node.open({});
    node.push(rows(0, 3));
    for (let i = 0; i < 3; i++) {
      await until(() => sink.calls.length > 0);
      assert.equal(sink.calls.length, 1);
      sink.next();
    }
    await until(() => node.metrics.recordsOut === 3);
    assert.equal(sink.maxOutstanding, 1);
    await node.close();
  });

  it('keeps several items outstanding with the sink cache on, which can keep them all at stop', async () => {
    const sink = new HeldSink(4);
    const node = sinkNode(sink);
    await node.open({ enableCache: true });
    node.push(rows(0, 3));
    await until(() => sink.calls.length === 3);
    for (let i = 0; i < 3; i++) assert.equal(sink.next(), i);
    await until(() => node.metrics.recordsOut === 3);
    assert.equal(sink.maxOutstanding, 3);
    await node.close();
  });

  it('sends one item at a time when the cache paces resends (resendInterval)', async () => {
    const sink = new HeldSink(4);
    const node = sinkNode(sink);
    await node.open({ enableCache: true, resendInterval: 10 });
    node.push(rows(0, 3));
    for (let i = 0; i < 3; i++) {
      await until(() => sink.calls.length > 0);
      assert.equal(sink.calls.length, 1);
      assert.equal(sink.next(), i);
    }
    await until(() => node.metrics.recordsOut === 3);
    assert.equal(sink.maxOutstanding, 1);
    await node.close();
  });
});
