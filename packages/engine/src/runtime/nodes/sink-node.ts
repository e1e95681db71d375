import { isRetryable, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import type { TimerHandle } from '@oort/sdk';
import { NodeMetrics } from './metrics.js';
import { backoffDelay, CONNECT_BACKOFF } from './backoff.js';
import { resolveSinkCacheOptions, type SinkCacheDefaults, type SinkCacheOptions } from '../cache/cache-options.js';
import { SinkCache } from '../cache/sink-cache.js';
import { MemorySinkQueue, type SinkQueue } from '../cache/sink-queue.js';
import { SinkMetrics } from '../cache/sink-metrics.js';
import { sinkCacheDir } from '../cache/cache-dir.js';
import { RingQueue } from './ring-queue.js';

/**
 * A sink that can take more than one item before the first is confirmed declares how many:
 * the node then keeps up to `maxInFlight` collects outstanding, confirms them in order, and
 * after a retryable failure of item k resends k and every item sent after it, in order (at
 * least once: items after k that had landed are sent again). Read once, after `provision`
 * (so it may depend on the action's properties). With the sink cache on it applies only when
 * the cache can keep several unconfirmed items at stop ({@link MultiStopQueue}) and no
 * `resendInterval` paces resends; otherwise items go one at a time.
 */
/** A sink queue whose `stop` also takes a list of unconfirmed items, kept in order before the rest. */
interface MultiStopQueue extends SinkQueue {
  readonly stopsMany: true;
  stop(inflight: SinkItem | readonly SinkItem[] | undefined): void;
}
const stopsMany = (q: SinkQueue): q is MultiStopQueue => (q as Partial<MultiStopQueue>).stopsMany === true;

/** An outstanding collect of a pipelined sink; `done` resolves with the error, if any. */
interface Sent {
  item: SinkItem;
  resent: boolean;
  done: Promise<SendFailure | undefined>;
}

class SendFailure {
  constructor(readonly error: unknown) {}
}
const noFailure = (): undefined => undefined;
const toFailure = (e: unknown): SendFailure => new SendFailure(e);

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
  /**
   * The server's data folder. With it, a cached sink keeps its queue on disk under
   * `<dataDir>/cache/<ruleId>/<name>/`; without it the cache stays in memory and is only
   * used when an action asks for it (`enableCache: true`).
   */
  dataDir?: string;
  /** The action's sink type, for the cache default (network sinks on); from `name` if absent. */
  type?: string;
  /** Server-wide cache defaults (configuration `sink.*`). */
  cacheDefaults?: SinkCacheDefaults;
  /** Retry delays after a retryable failure (tests shorten them). */
  retryBackoff?: typeof CONNECT_BACKOFF;
}

/**
 * One action of a rule: batches and transforms result rows into sink items, queues them,
 * and sends them one at a time, in order. A failed send that can be retried is retried with
 * backoff and never reordered; one that cannot is dropped and counted; a sink that cannot
 * connect keeps retrying. With the cache on (see ../cache/), the queue spills to disk while
 * the sink fails or lags, survives restarts, and has an overflow policy.
 */
export class SinkNode {
  readonly transformMetrics: NodeMetrics;
  readonly metrics: SinkMetrics;
  private queue: SinkQueue;
  private cache?: SinkCache;
  private cacheOptions?: SinkCacheOptions;
  private batch: Row[] = [];
  private linger?: TimerHandle;
  private pumping = false;
  private running: Promise<void> = Promise.resolve();
  /** The item being sent (taken off the queue; kept until delivered or dropped). */
  private inflight?: SinkItem;
  private inflightResent = false;
  private connected = false;
  private closed = false;
  private blocked = false;
  private retryTimer?: TimerHandle;
  private wake?: () => void;
  private attempt = 0;
  /** Collects allowed outstanding (the sink's `maxInFlight`); 1 sends one at a time. */
  private window = 1;
  /** Pipelined: collects sent and not yet confirmed, oldest first. */
  private readonly sent = new RingQueue<Sent>();
  /** Pipelined: items to send again, in order, before the queue (after a retryable failure). */
  private retry: SinkItem[] = [];

  constructor(private readonly o: SinkNodeOptions) {
    this.transformMetrics = new NodeMetrics(`op_${o.name}_0_transform`);
    this.metrics = new SinkMetrics(`sink_${o.name}`, true);
    this.queue = new MemorySinkQueue(o.bufferLength);
    this.metrics.bufferLength = () => this.queue.length + (this.inflight ? 1 : 0) + this.unconfirmed;
    this.transformMetrics.bufferLength = () => this.batch.length;
  }

  /** Items queued or batched and not yet sent. */
  get pending(): number {
    return this.queue.length + this.batch.length + (this.inflight || this.pumping ? 1 : 0) + this.unconfirmed;
  }

  /** Pipelined: items sent and not confirmed, or waiting to be resent. */
  private get unconfirmed(): number {
    return this.sent.length + this.retry.length;
  }

  get full(): boolean {
    return this.queue.full;
  }

  /** For {@link PumpStats}. */
  readonly clockNow = (): number => this.o.ctx.clock.now();
  /** An emission arrived while a pump ran: the pump stamps the transform's lastInvocation. */
  transformStampDue = false;

  /** Provisions the sink (configuration errors surface here), then connects in the background. */
  async open(props: Record<string, unknown>): Promise<void> {
    await this.o.sink.provision(this.o.ctx, props);
    this.setUpCache(props);
    const max = Math.floor(Number(this.o.sink.maxInFlight ?? 1));
    const cacheAllows = !this.cache || (stopsMany(this.queue) && !(this.cacheOptions!.resendIntervalMs > 0));
    this.window = max > 1 && cacheAllows ? max : 1;
    void this.connectLoop();
  }

  private setUpCache(props: Record<string, unknown>): void {
    const type = this.o.type ?? this.o.name.replace(/_\d+$/, '');
    const explicit = props.enableCache !== undefined;
    const opts = resolveSinkCacheOptions(type, props, this.o.cacheDefaults);
    // without a data folder only an explicit request turns the (memory) cache on
    if (!opts.enabled || (!this.o.dataDir && !explicit && this.o.cacheDefaults?.enableCache !== true)) return;
    const dir = this.o.dataDir ? sinkCacheDir(this.o.dataDir, this.o.ctx.ruleId, this.o.name) : undefined;
    const cache = new SinkCache(opts, dir, this.o.ctx.logger);
    const restored = cache.restore();
    if (restored) this.o.ctx.logger.info(`sink ${this.o.name} resends ${restored} results cached by an earlier run`);
    this.cache = cache;
    this.cacheOptions = opts;
    this.queue = cache;
    this.metrics.cache = { length: () => cache.length, diskLength: () => cache.diskLength, dropped: () => cache.dropped };
  }

  /** One emission of the rule: a list of result rows. */
  push(rows: Row[]): void {
    if (this.closed) return;
    const m = this.transformMetrics;
    m.recordsIn++;
    // a running pump stamps lastInvocation when it pauses: no clock read per emission
    if (!this.pumping) m.lastInvocation = this.o.ctx.clock.now();
    else this.transformStampDue = true;
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
    if (this.queue.full) this.blocked = true;
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
        await this.sleep(backoffDelay(this.attempt++, this.o.retryBackoff ?? CONNECT_BACKOFF));
      }
    }
  }

  private pump(): void {
    if (this.pumping || !this.connected || this.closed) return;
    this.pumping = true;
    this.running = this.window > 1 ? this.runPipelined() : this.run();
  }

  private async run(): Promise<void> {
    const m = this.metrics;
    const clock = this.o.ctx.clock;
    const interval = this.cacheOptions?.resendIntervalMs ?? 0;
    const stats = new PumpStats(this);
    let lastWasResend = false;
    while (!this.closed) {
      if (!this.inflight) {
        const next = this.queue.shift();
        if (next === undefined) break;
        this.inflight = next;
        this.inflightResent = this.queue.lastShiftResent;
        this.afterRemove();
        // resendInterval paces the resending of cached items
        if (this.inflightResent && lastWasResend && interval > 0) {
          stats.flush();
          await this.sleep(interval);
          stats.restart();
          if (this.closed) break;
        }
      }
      const item = this.inflightResent ? this.withIndicator(this.inflight) : this.inflight;
      try {
        await this.o.sink.collect(this.o.ctx, item);
        if (this.inflightResent) m.resent++;
        lastWasResend = this.inflightResent;
        this.inflight = undefined;
        this.attempt = 0;
        this.queue.recovered();
        m.recordsOut++;
        m.messagesProcessed++;
        stats.sent();
      } catch (e) {
        stats.flush();
        m.error(e, clock.now());
        if (isRetryable(e)) {
          this.queue.failed();
          this.inflightResent = true;
          lastWasResend = false;
          if (this.closed) break;
          await this.sleep(backoffDelay(this.attempt++, this.o.retryBackoff ?? CONNECT_BACKOFF));
          stats.restart();
        } else {
          this.o.ctx.logger.error(`sink ${this.o.name} dropped a result: ${(e as Error).message}`);
          this.inflight = undefined;
          this.queue.dropped++;
        }
      }
    }
    stats.flush();
    this.pumping = false;
    if (!this.queue.full) this.o.onDrain();
  }

  /**
   * The pump of a pipelined sink: keeps up to `window` collects outstanding and confirms them
   * in order. A retryable failure of the oldest waits for the others to settle, then resends it
   * and everything sent after it, in order, after a backoff; a non-retryable one drops only
   * that item.
   */
  private async runPipelined(): Promise<void> {
    const m = this.metrics;
    const clock = this.o.ctx.clock;
    const stats = new PumpStats(this);
    const sent = this.sent;
    for (;;) {
      while (!this.closed && sent.length < this.window) {
        const again = this.retry.length > 0;
        const item = again ? this.retry.shift() : this.queue.shift();
        if (item === undefined) break;
        const resent = again || this.queue.lastShiftResent;
        if (!again) this.afterRemove();
        sent.push({ item, resent, done: this.send(resent ? this.withIndicator(item) : item) });
      }
      const head = sent.shift();
      if (head === undefined) break;
      const failure = await head.done;
      if (failure === undefined) {
        if (head.resent) m.resent++;
        this.attempt = 0;
        this.queue.recovered();
        m.recordsOut++;
        m.messagesProcessed++;
        stats.sent();
        continue;
      }
      stats.flush();
      m.error(failure.error, clock.now());
      if (isRetryable(failure.error)) {
        // items sent after this one may have landed or not: send them all again, in order
        const again = [head.item];
        for (let s = sent.shift(); s !== undefined; s = sent.shift()) {
          const f = await s.done;
          if (f) m.error(f.error, clock.now());
          again.push(s.item);
        }
        this.retry = again.concat(this.retry);
        this.queue.failed();
        if (this.closed) break;
        await this.sleep(backoffDelay(this.attempt++, this.o.retryBackoff ?? CONNECT_BACKOFF));
        stats.restart();
      } else {
        this.o.ctx.logger.error(`sink ${this.o.name} dropped a result: ${(failure.error as Error).message}`);
        this.queue.dropped++;
      }
    }
    stats.flush();
    this.pumping = false;
    if (!this.queue.full) this.o.onDrain();
  }

  private send(item: SinkItem): Promise<SendFailure | undefined> {
    try {
      return this.o.sink.collect(this.o.ctx, item).then(noFailure, toFailure);
    } catch (e) {
      return Promise.resolve(new SendFailure(e));
    }
  }

  private afterRemove(): void {
    if (this.blocked && !this.queue.full) {
      this.blocked = false;
      this.o.onDrain();
    }
  }

  /** Tuple sinks: marks the rows of a resent item with `resendIndicatorField`. */
  private withIndicator(item: SinkItem): SinkItem {
    const f = this.cacheOptions?.resendIndicatorField;
    if (!f || !item.rows) return item;
    return { ...item, rows: item.rows.map((r) => ({ ...r, [f]: true })) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = this.o.ctx.clock.setTimeout(resolve, ms);
    });
  }

  /**
   * Flushes pending batches and sends what is queued (bounded by `timeoutMs`; not at all
   * while the sink is failing and cached), then closes the sink. A cache keeps what is left
   * for the next start (unless `cleanCacheAtStop`).
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.flushBatch();
    const deadline = Date.now() + timeoutMs;
    const failing = () => this.cache !== undefined && this.attempt > 0;
    while (this.connected && (this.queue.length || this.inflight || this.unconfirmed) && !failing() && Date.now() < deadline) {
      this.pump();
      await new Promise((r) => setTimeout(r, 5));
    }
    this.closed = true;
    this.retryTimer?.cancel();
    this.wake?.();
    // let a send in progress settle so its item is neither lost nor kept twice
    await Promise.race([this.running, new Promise((r) => setTimeout(r, Math.max(0, Math.min(1000, deadline - Date.now()))))]);
    if (this.window > 1 && stopsMany(this.queue)) {
      // a cache keeps what was sent and not confirmed, in order, before what is queued
      const unconfirmed = [...this.retry];
      for (let s = this.sent.shift(); s !== undefined; s = this.sent.shift()) unconfirmed.push(s.item);
      this.queue.stop(unconfirmed);
    } else {
      this.queue.stop(this.inflight);
      if (this.unconfirmed) this.o.ctx.logger.warn(`sink ${this.o.name} dropped ${this.unconfirmed} unconfirmed results at stop`);
    }
    this.inflight = undefined;
    this.sent.clear();
    this.retry = [];
    try {
      await this.o.sink.close(this.o.ctx);
    } catch (e) {
      this.o.ctx.logger.warn(`closing sink ${this.o.name}: ${(e as Error).message}`);
    }
  }
}


/**
 * `last_invocation` and `process_latency_us` of a pump loop without two clock reads per item:
 * the clock is read when the loop pauses (queue empty, retry, resend pacing) and every
 * {@link STAMP_EVERY} items while it keeps going; the latency is the loop time per item. A
 * slow sink (over a millisecond per item) is stamped after every item, as before.
 */
class PumpStats {
  private n = 0;
  private start = performance.now();
  private every = STAMP_EVERY;
  constructor(private readonly node: { readonly metrics: NodeMetrics; readonly transformMetrics: NodeMetrics; readonly clockNow: () => number; transformStampDue: boolean }) {}

  sent(): void {
    if (++this.n >= this.every) this.flush();
  }

  flush(): void {
    const due = this.node.transformStampDue;
    if (this.n === 0 && !due) return;
    const now = this.node.clockNow();
    if (due) {
      this.node.transformStampDue = false;
      this.node.transformMetrics.lastInvocation = now;
    }
    if (this.n === 0) return;
    const end = performance.now();
    const perItemUs = ((end - this.start) * 1000) / this.n;
    const m = this.node.metrics;
    m.processLatencyUs = Math.round(perItemUs);
    m.lastInvocation = now;
    this.every = perItemUs > 1000 ? 1 : STAMP_EVERY;
    this.n = 0;
    this.start = end;
  }

  restart(): void {
    this.n = 0;
    this.start = performance.now();
  }
}

const STAMP_EVERY = 64;
