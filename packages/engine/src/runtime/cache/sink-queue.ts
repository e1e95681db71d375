import type { SinkItem } from '@oort/sdk';
import { RingQueue } from '../nodes/ring-queue.js';

/**
 * The queue between a sink node's transform and its sender. Two implementations: the plain
 * bounded memory queue (cache off) and {@link SinkCache} (memory, then disk pages).
 */
export interface SinkQueue {
  /** Items waiting (not counting one being sent). */
  readonly length: number;
  /** True while the rule should stop feeding this sink (backpressure). */
  readonly full: boolean;
  /** Results dropped by the overflow policy or by the sink refusing them. */
  dropped: number;
  /** Adds an item at the end; false when the overflow policy dropped it. */
  push(item: SinkItem): boolean;
  shift(): SinkItem | undefined;
  /** Whether the item last returned by `shift` is sent again after a failure. */
  readonly lastShiftResent: boolean;
  /** The sink failed with a retryable error: what is queued now will be a resend. */
  failed(): void;
  /** The sink delivered an item: new items may take the memory fast path again. */
  recovered(): void;
  /** The node stops: keeps the unconfirmed items (in order) and the queued ones for the next start, or drops them. */
  stop(inflight: SinkItem | readonly SinkItem[] | undefined): void;
}

/** Cache off: a memory FIFO whose bound only signals backpressure (nothing is dropped). */
export class MemorySinkQueue implements SinkQueue {
  private readonly q = new RingQueue<SinkItem>();
  dropped = 0;
  readonly lastShiftResent = false;

  constructor(private readonly bound: number) {}

  get length(): number {
    return this.q.length;
  }
  get full(): boolean {
    return this.q.length >= this.bound;
  }
  push(item: SinkItem): boolean {
    this.q.push(item);
    return true;
  }
  shift(): SinkItem | undefined {
    return this.q.shift();
  }
  failed(): void {}
  recovered(): void {}
  stop(): void {
    this.q.clear();
  }
}
