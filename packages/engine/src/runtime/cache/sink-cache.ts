import type { Logger, SinkItem } from '@oort/sdk';
import { RingQueue } from '../nodes/ring-queue.js';
import type { SinkCacheOptions } from './cache-options.js';
import { DiskPages } from './disk-pages.js';
import type { SinkQueue } from './sink-queue.js';

/**
 * The sink cache: one FIFO in three parts, `front` (memory) → disk pages → `back` (memory,
 * at most one page being filled). While the sink is healthy and keeps up, items only pass
 * through `front` (no disk I/O). Once `front` holds `memoryCacheThreshold` items, or the
 * sink is failing, new items go to `back`, and each full page of `back` is written to disk;
 * `shift` reads disk pages back in order. On stop, what is left in memory is written around
 * the disk pages (front before, back after) so the next start resends everything in order.
 *
 * Capacity is `memoryCacheThreshold + maxDiskCache` (memory only when there is no folder or
 * `maxDiskCache` is 0); beyond it the overflow policy applies: `block` reports `full` (the
 * rule stops feeding this sink), `dropOldest` drops the head, `dropNewest` the new item.
 */
export class SinkCache implements SinkQueue {
  private readonly front = new RingQueue<SinkItem>();
  private back: SinkItem[] = [];
  private disk?: DiskPages;
  private degraded = false;
  /** How many items from the head on are resends (queued when the sink failed, or restored). */
  private resendRemaining = 0;
  private readonly capacity: number;
  private readonly spill: boolean;
  dropped = 0;
  lastShiftResent = false;

  constructor(
    private readonly o: SinkCacheOptions,
    /** Folder of the disk pages; none keeps the cache in memory. */
    private readonly dir: string | undefined,
    private readonly logger: Logger,
  ) {
    this.spill = dir !== undefined && o.maxDiskCache > 0;
    this.capacity = o.memoryCacheThreshold + (this.spill ? o.maxDiskCache : 0);
  }

  /** Opens the pages a previous run left; returns how many items they hold. */
  restore(): number {
    if (!this.spill || !DiskPages.exists(this.dir!)) return 0;
    if (this.o.cleanCacheAtStop) {
      DiskPages.open(this.dir!).destroy();
      return 0;
    }
    this.disk = DiskPages.open(this.dir!);
    const n = this.disk.items;
    this.resendRemaining += n;
    return n;
  }

  get length(): number {
    return this.front.length + (this.disk?.items ?? 0) + this.back.length;
  }

  /** Items on disk now. */
  get diskLength(): number {
    return this.disk?.items ?? 0;
  }

  get full(): boolean {
    return this.o.overflow === 'block' && this.length >= this.capacity;
  }

  push(item: SinkItem): boolean {
    if (this.length >= this.capacity) {
      if (this.o.overflow === 'dropNewest') {
        this.dropped++;
        return false;
      }
      if (this.o.overflow === 'dropOldest') {
        this.shift();
        this.dropped++;
      }
    }
    if (!this.spill || (!this.degraded && this.back.length === 0 && !this.disk?.items && this.front.length < this.o.memoryCacheThreshold)) {
      this.front.push(item);
      return true;
    }
    this.back.push(item);
    if (this.back.length >= this.o.bufferPageSize) this.flushBack();
    return true;
  }

  shift(): SinkItem | undefined {
    let item = this.front.shift();
    if (item === undefined && this.disk?.items) {
      for (const it of this.disk.shiftPage() ?? []) this.front.push(it);
      item = this.front.shift();
    }
    if (item === undefined && this.back.length) {
      // a partial page: hand it over to the front instead of writing it
      for (const it of this.back) this.front.push(it);
      this.back = [];
      item = this.front.shift();
    }
    this.lastShiftResent = item !== undefined && this.resendRemaining > 0;
    if (this.lastShiftResent) this.resendRemaining--;
    return item;
  }

  failed(): void {
    this.degraded = true;
    this.resendRemaining = Math.max(this.resendRemaining, this.length);
  }

  recovered(): void {
    this.degraded = false;
  }

  /** Several unconfirmed items of a pipelined sink can be kept at stop. */
  readonly stopsMany = true;

  stop(inflight: SinkItem | readonly SinkItem[] | undefined): void {
    const list: SinkItem[] = inflight === undefined ? [] : Array.isArray(inflight) ? [...inflight] : [inflight as SinkItem];
    const keep = this.spill && !this.o.cleanCacheAtStop;
    const total = this.length + list.length;
    if (!keep) {
      this.dropped += total;
      if (this.disk) this.disk.destroy();
      else if (this.spill && DiskPages.exists(this.dir!)) DiskPages.open(this.dir!).destroy();
      this.disk = undefined;
      if (total) this.logger.warn(`sink cache dropped ${total} unsent results at stop`);
      return this.clearMemory();
    }
    if (!total) {
      this.disk?.destroy();
      if (!this.disk && DiskPages.exists(this.dir!)) DiskPages.open(this.dir!).destroy();
      this.disk = undefined;
      return;
    }
    const head: SinkItem[] = list;
    while (this.front.length) head.push(this.front.shift()!);
    const disk = (this.disk ??= DiskPages.open(this.dir!));
    try {
      disk.batch(() => {
        const page = this.o.bufferPageSize;
        // pages before the current first page, last chunk first
        const starts: number[] = [];
        for (let i = 0; i < head.length; i += page) starts.push(i);
        for (let k = starts.length - 1; k >= 0; k--) disk.prepend(head.slice(starts[k]!, starts[k]! + page));
        disk.append(this.back);
      });
      this.logger.info(`sink cache kept ${total} unsent results in ${this.dir} for the next start`);
    } catch (e) {
      this.dropped += total;
      this.logger.error(`sink cache could not keep ${total} unsent results: ${(e as Error).message}`);
    }
    this.back = [];
    disk.close();
    this.disk = undefined;
  }

  private flushBack(): void {
    try {
      (this.disk ??= DiskPages.open(this.dir!)).append(this.back);
      this.back = [];
    } catch (e) {
      // keep the page in memory (bounded by the capacity check) and try again with the next item
      this.logger.error(`sink cache cannot write to ${this.dir}: ${(e as Error).message}`);
    }
  }

  private clearMemory(): void {
    this.front.clear();
    this.back = [];
  }
}
