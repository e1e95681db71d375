import { isRetryable, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { NodeMetrics } from './metrics.js';
import { RingQueue } from './ring-queue.js';
import { backoffDelay, CONNECT_BACKOFF } from './backoff.js';
import type { TimerHandle } from '@oort/sdk';

export interface SinkNodeOptions {
  /** `mqtt_0`: sink type and action index. */
  name: string;
  sink: Sink;
  ctx: StreamContext;
  transform: (rows: Row[]) => SinkItem[];
  bufferLength: number;
  batchSize: number;
  lingerInterval: number;
  /** Called when the queue drops below its bound again (the rule resumes). */
  onDrain: () => void;
}

/**
 * One action of a rule: batches and transforms result rows into sink items, queues them
 * (bounded), and sends them one at a time, in order. A failed send that can be retried is
 * retried with backoff and never reordered; a sink that cannot connect keeps retrying.
 */
export class SinkNode {
  readonly transformMetrics: NodeMetrics;
  readonly metrics: NodeMetrics;
  private readonly queue = new RingQueue<SinkItem>();
  private batch: Row[] = [];
  private linger?: TimerHandle;
  private pumping = false;
  private connected = false;
  private closed = false;
  private retryTimer?: TimerHandle;
  private wake?: () => void;
  private attempt = 0;

  constructor(private readonly o: SinkNodeOptions) {
    this.transformMetrics = new NodeMetrics(`op_${o.name}_0_transform`);
    this.metrics = new NodeMetrics(`sink_${o.name}`, true);
    this.metrics.bufferLength = () => this.queue.length;
    this.transformMetrics.bufferLength = () => this.batch.length;
  }

  /** Items queued or batched and not yet sent. */
  get pending(): number {
    return this.queue.length + this.batch.length + (this.pumping ? 1 : 0);
  }

  get full(): boolean {
    return this.queue.length >= this.o.bufferLength;
  }

  /** Provisions the sink (configuration errors surface here), then connects in the background. */
  async open(props: Record<string, unknown>): Promise<void> {
    await this.o.sink.provision(this.o.ctx, props);
    void this.connectLoop();
  }

  /** One emission of the rule: a list of result rows. */
  push(rows: Row[]): void {
    if (this.closed) return;
    const m = this.transformMetrics;
    m.recordsIn++;
    m.lastInvocation = this.o.ctx.clock.now();
    if (this.o.batchSize > 0 || this.o.lingerInterval > 0) {
      for (const r of rows) this.batch.push(r);
      if (this.o.batchSize > 0 && this.batch.length >= this.o.batchSize) this.flushBatch();
      else if (this.o.lingerInterval > 0 && !this.linger) {
        this.linger = this.o.ctx.clock.setTimeout(() => this.flushBatch(), this.o.lingerInterval);
      }
      return;
    }
    this.enqueue(rows);
  }

  private flushBatch(): void {
    this.linger?.cancel();
    this.linger = undefined;
    if (!this.batch.length) return;
    const rows = this.batch;
    this.batch = [];
    this.enqueue(rows);
  }

  private enqueue(rows: Row[]): void {
    let items: SinkItem[];
    try {
      items = this.o.transform(rows);
    } catch (e) {
      this.transformMetrics.error(e, this.o.ctx.clock.now());
      return;
    }
    this.transformMetrics.recordsOut += items.length;
    for (const it of items) this.queue.push(it);
    this.metrics.recordsIn += items.length;
    this.pump();
  }

  private async connectLoop(): Promise<void> {
    const m = this.metrics;
    while (!this.closed) {
      m.connection('connecting', this.o.ctx.clock.now());
      try {
        await this.o.sink.connect(this.o.ctx, (s, msg) => m.connection(s, this.o.ctx.clock.now(), msg));
        if (m.connectionStatus === 'connecting') m.connection('connected', this.o.ctx.clock.now());
        this.connected = true;
        this.attempt = 0;
        this.pump();
        return;
      } catch (e) {
        m.connection('disconnected', this.o.ctx.clock.now(), (e as Error).message);
        m.error(e, this.o.ctx.clock.now());
        this.o.ctx.logger.warn(`cannot connect sink ${this.o.name}: ${(e as Error).message}`);
        await this.sleep(backoffDelay(this.attempt++, CONNECT_BACKOFF));
      }
    }
  }

  private pump(): void {
    if (this.pumping || !this.connected || this.closed) return;
    this.pumping = true;
    void this.run();
  }

  private async run(): Promise<void> {
    const m = this.metrics;
    const clock = this.o.ctx.clock;
    while (!this.closed && this.queue.length) {
      const item = this.queue.peek()!;
      const start = performance.now();
      try {
        await this.o.sink.collect(this.o.ctx, item);
        this.queue.shift();
        this.attempt = 0;
        m.recordsOut++;
        m.messagesProcessed++;
        m.lastInvocation = clock.now();
        m.processLatencyUs = Math.round((performance.now() - start) * 1000);
        if (this.queue.length === this.o.bufferLength - 1) this.o.onDrain();
      } catch (e) {
        m.error(e, clock.now());
        if (isRetryable(e)) {
          if (this.closed) break;
          await this.sleep(backoffDelay(this.attempt++, CONNECT_BACKOFF));
        } else {
          this.o.ctx.logger.error(`sink ${this.o.name} dropped a result: ${(e as Error).message}`);
          this.queue.shift();
          if (this.queue.length === this.o.bufferLength - 1) this.o.onDrain();
        }
      }
    }
    this.pumping = false;
    if (this.queue.length < this.o.bufferLength) this.o.onDrain();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = this.o.ctx.clock.setTimeout(resolve, ms);
    });
  }

  /** Flushes pending batches and queued items (bounded by `timeoutMs`), then closes the sink. */
  async close(timeoutMs = 5000): Promise<void> {
    this.flushBatch();
    const deadline = Date.now() + timeoutMs;
    while (this.connected && this.queue.length && Date.now() < deadline) {
      this.pump();
      await new Promise((r) => setTimeout(r, 5));
    }
    this.closed = true;
    this.retryTimer?.cancel();
    this.wake?.();
    try {
      await this.o.sink.close(this.o.ctx);
    } catch (e) {
      this.o.ctx.logger.warn(`closing sink ${this.o.name}: ${(e as Error).message}`);
    }
  }
}
