import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamContext, TimerHandle } from '../context.js';
import type { Sink, SinkItem } from '../sink.js';
import type { Source, SourceIO } from '../source.js';
import { createTestContext } from './context.js';
import { RecordingIO, waitFor } from './recording-io.js';
import { describeSinkContract } from './sink-contract.js';
import { describeSourceContract } from './source-contract.js';

/** A sink that buffers until close, to check the suite's flush test. */
class BufferingSink implements Sink {
  static delivered: SinkItem[] = [];
  readonly kind = 'tuple';
  private buffer: SinkItem[] = [];
  provision(): void {
    BufferingSink.delivered = [];
  }
  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }
  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    this.buffer.push(item);
  }
  close(): void {
    BufferingSink.delivered.push(...this.buffer);
    this.buffer = [];
  }
}

class TickSource implements Source {
  private timer: TimerHandle | undefined;
  provision(): void {}
  connect(ctx: StreamContext, io: SourceIO): void {
    this.timer = ctx.clock.setInterval(() => io.tuple({ t: ctx.clock.now() }), 5);
  }
  close(): void {
    this.timer?.cancel();
  }
}

describe('createTestContext', () => {
  it('records log lines and keeps state', () => {
    const ctx = createTestContext({ ruleId: 'r1' });
    ctx.logger.warn('careful', 1);
    ctx.state.put('k', 2);
    assert.deepEqual(ctx.logs, [{ level: 'warn', msg: 'careful', args: [1] }]);
    assert.equal(ctx.state.get('k'), 2);
    assert.equal(ctx.ruleId, 'r1');
  });

  it('aborts its signal on demand', () => {
    const ctx = createTestContext();
    ctx.abort();
    assert.equal(ctx.signal.aborted, true);
  });
});

describe('RecordingIO', () => {
  it('parses byte payloads as JSON rows and runs drain callbacks', async () => {
    const io = new RecordingIO();
    io.bytes(Buffer.from('[{"a":1},{"a":2}]'));
    io.tuple({ a: 3 });
    assert.deepEqual(io.rows(), [{ a: 1 }, { a: 2 }, { a: 3 }]);
    let drained = false;
    io.onDrain(() => (drained = true));
    io.accept = false;
    assert.equal(io.tuple({}), false);
    io.drain();
    await waitFor(() => drained);
  });
});

BufferingSink.delivered = [];
describeSinkContract('buffering example', () => new BufferingSink(), {
  props: {},
  received: () => BufferingSink.delivered,
});
describeSourceContract('tick example', () => new TickSource(), { props: {} });
