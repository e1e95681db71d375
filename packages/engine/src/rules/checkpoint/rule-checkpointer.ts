import { createHash } from 'node:crypto';
import type { Clock, Logger, TimerHandle } from '@oort/sdk';
import type { KVStore } from '../../store/kv.js';
import type { AckToken } from './ack-token.js';
import { CheckpointStore } from './checkpoint-store.js';

/** A processor whose state can be checkpointed (the window stage; the row stage has none). */
export interface StatefulProcessor {
  snapshot(): unknown;
  restore(s: unknown): void;
}

export function isStateful(p: unknown): p is StatefulProcessor {
  const o = p as Partial<StatefulProcessor> | undefined;
  return typeof o?.snapshot === 'function' && typeof o.restore === 'function';
}

/** What the checkpointer needs from the running rule. */
export interface CheckpointHooks {
  /** Stops draining the input queue: records wait there, so the processor is at a safe point. */
  hold(): void;
  /** Drains again. */
  resume(): void;
  /** True when every sink has delivered everything it was given. */
  sinksIdle(): boolean;
}

export interface RuleCheckpointerOptions {
  ruleId: string;
  /** The rule's SQL (a checkpoint of another query is not restored). */
  sql: string;
  /** 0 (with `enableSaveStateBeforeStop`: only a checkpoint at stop, no acknowledgements), 1 or 2. */
  qos: number;
  /** `checkpointInterval`: the longest time between two checkpoints of a stateful rule. */
  intervalMs: number;
  kv: KVStore;
  clock: Clock;
  logger: Logger;
  processor: unknown;
  hooks: CheckpointHooks;
  /** How soon after unacknowledged messages arrive a checkpoint covers them. */
  ackDelayMs?: number;
  /**
   * With this many messages unacknowledged a checkpoint is taken at once (but not sooner than
   * `minGapMs` after the previous one): the broker sends only a window of unacknowledged
   * messages (20 in Mosquitto by default), so waiting `ackDelayMs` would cap the throughput.
   */
  ackBatch?: number;
  minGapMs?: number;
  /** How long a checkpoint waits for the sinks to catch up before it gives up for now. */
  idleWaitMs?: number;
  /** How often a stateless rule checks whether its sinks delivered everything. */
  idlePollMs?: number;
}

interface Pending {
  /** Records pushed up to and including this message (its position in the input queue). */
  seq: number;
  token: AckToken;
  id?: string;
}

const DEFAULT_ACK_DELAY_MS = 100;
const DEFAULT_ACK_BATCH = 10;
const DEFAULT_MIN_GAP_MS = 10;
const DEFAULT_IDLE_WAIT_MS = 5000;
const DEFAULT_IDLE_POLL_MS = 10;

/**
 * QoS and checkpoints of one rule (see README.md). It numbers the records entering the
 * rule, holds the acknowledgement of each message until the rule has covered it, writes
 * checkpoints at safe points, and at QoS 2 drops redelivered copies of messages it has
 * already covered.
 *
 * Covered means: results delivered by every sink (stateless QoS 1), or, when the rule
 * keeps state or runs at QoS 2, a checkpoint written after the sinks delivered everything
 * the processor emitted up to it.
 */
export class RuleCheckpointer {
  private readonly store: CheckpointStore;
  private readonly stateful: boolean;
  /** Coverage by checkpoint (state or QoS 2 ids), not just by delivered results. */
  private readonly byCheckpoint: boolean;
  private readonly fingerprint: string;
  private readonly pending: Pending[] = [];
  private head = 0;
  private pushed = 0;
  private processed = 0;
  private lastToken?: AckToken;
  private lastAdmitted = true;
  /** QoS 2: ids admitted and not yet released. */
  private readonly inflight = new Set<string>();
  /** QoS 2: ids released by the last two checkpoints (acks may not have reached the upstream). */
  private recent: string[][] = [[], []];
  private recentSet = new Set<string>();
  private intervalTimer?: TimerHandle;
  private soonTimer?: TimerHandle;
  /** The delay `soonTimer` was armed with. */
  private soonDelay = 0;
  private lastCheckpointAt = 0;
  private running?: Promise<boolean>;
  private closed = false;
  /** Counters for tests and the rule status. */
  readonly stats = { checkpoints: 0, acked: 0, duplicates: 0, restored: false };

  constructor(private readonly o: RuleCheckpointerOptions) {
    this.store = new CheckpointStore(o.kv);
    this.stateful = isStateful(o.processor);
    this.byCheckpoint = this.stateful || o.qos >= 2;
    this.fingerprint = createHash('sha1').update(o.sql).digest('hex').slice(0, 16);
  }

  /** Loads the last checkpoint into the processor; call before the rule subscribes. */
  restore(): boolean {
    let cp;
    try {
      cp = this.o.kv ? this.store.load(this.o.ruleId) : undefined;
    } catch (e) {
      this.o.logger.warn(`rule ${this.o.ruleId}: ignoring its checkpoint: ${(e as Error).message}`);
      return false;
    }
    if (!cp) return false;
    if (cp.fingerprint !== this.fingerprint) {
      this.o.logger.info(`rule ${this.o.ruleId}: its SQL changed, the checkpoint of the old query is not restored`);
      return false;
    }
    if (this.stateful && cp.state !== undefined) {
      try {
        (this.o.processor as StatefulProcessor).restore(cp.state);
      } catch (e) {
        this.o.logger.warn(`rule ${this.o.ruleId}: cannot restore its checkpoint: ${(e as Error).message}`);
        return false;
      }
    }
    this.recent = [[], [...cp.seen]];
    this.recentSet = new Set(cp.seen);
    this.stats.restored = true;
    this.o.logger.info(`rule ${this.o.ruleId} resumed from its checkpoint of ${new Date(cp.ts).toISOString()}`);
    return true;
  }

  /** Starts the periodic checkpoints (stateful rules). */
  start(): void {
    if (this.stateful && this.o.intervalMs > 0 && this.o.qos >= 1) {
      this.intervalTimer = this.o.clock.setInterval(() => void this.checkpoint(), this.o.intervalMs);
    }
  }

  /**
   * A record is about to enter the input queue. Returns false when it must not: a copy
   * of a message already covered (QoS 2). Records of one message come one after another
   * and share its token, so the decision is taken once per message.
   */
  admit(token: AckToken | undefined): boolean {
    if (!token || this.o.qos === 0) {
      this.pushed++;
      return true;
    }
    if (token === this.lastToken) {
      if (!this.lastAdmitted) return false;
      this.track(token, ++this.pushed, undefined);
      return true;
    }
    this.lastToken = token;
    const id = this.o.qos >= 2 ? token.id : undefined;
    if (id !== undefined && token.redelivered !== false && (this.recentSet.has(id) || this.inflight.has(id))) {
      this.stats.duplicates++;
      this.lastAdmitted = false;
      // a copy of a message not covered yet is acknowledged with the original
      if (this.inflight.has(id)) this.track(token, this.pushed, undefined);
      return false;
    }
    this.lastAdmitted = true;
    if (id !== undefined) this.inflight.add(id);
    this.track(token, ++this.pushed, id);
    return true;
  }

  /** A record that was admitted could not be queued (buffer full): never acknowledge it. */
  dropped(token: AckToken | undefined): void {
    token?.hold();
    token?.fail();
  }

  private track(token: AckToken, seq: number, id: string | undefined): void {
    token.hold();
    this.pending.push({ seq, token, id });
    if (!this.byCheckpoint) return;
    if (this.pending.length - this.head >= (this.o.ackBatch ?? DEFAULT_ACK_BATCH)) {
      const gap = this.o.minGapMs ?? DEFAULT_MIN_GAP_MS;
      this.checkpointSoon(Math.max(0, this.lastCheckpointAt + gap - this.o.clock.now()));
    } else this.checkpointSoon();
  }

  /** The processor finished `n` more records of the queue. */
  onProcessed(n: number): void {
    this.processed += n;
  }

  /** After a drain: a stateless QoS 1 rule releases what its sinks have delivered. */
  afterDrain(): void {
    if (this.byCheckpoint || this.head === this.pending.length) return;
    if (this.o.hooks.sinksIdle()) this.release(this.processed);
    else this.checkpointSoon();
  }

  private checkpointSoon(sooner?: number): void {
    if (this.closed) return;
    const delay = sooner ?? (this.byCheckpoint ? (this.o.ackDelayMs ?? DEFAULT_ACK_DELAY_MS) : (this.o.idlePollMs ?? DEFAULT_IDLE_POLL_MS));
    if (this.soonTimer) {
      if (delay >= this.soonDelay) return;
      this.soonTimer.cancel();
    }
    this.soonDelay = delay;
    this.soonTimer = this.o.clock.setTimeout(() => {
      this.soonTimer = undefined;
      if (this.byCheckpoint) void this.checkpoint();
      else {
        this.afterDrain();
      }
    }, delay);
  }

  /** Acknowledges every message whose records are all among the first `upTo` processed. */
  private release(upTo: number): string[] {
    const ids: string[] = [];
    while (this.head < this.pending.length && this.pending[this.head]!.seq <= upTo) {
      const p = this.pending[this.head++]!;
      if (p.id !== undefined) {
        ids.push(p.id);
        this.inflight.delete(p.id);
      }
      p.token.done();
      this.stats.acked++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return ids;
  }

  /**
   * Takes a checkpoint at a safe point: holds the input, waits until the sinks delivered
   * what was emitted, snapshots the processor, writes, then acknowledges the messages it
   * covers. Returns false when the sinks did not catch up in time (retried later).
   */
  checkpoint(): Promise<boolean> {
    if (this.running) return this.running;
    this.soonTimer?.cancel();
    this.soonTimer = undefined;
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (!this.closed && this.head < this.pending.length) this.checkpointSoon();
    });
    return this.running;
  }

  private async run(): Promise<boolean> {
    const { hooks } = this.o;
    hooks.hold();
    try {
      if (!(await this.waitIdle())) return false;
      this.write();
      return true;
    } catch (e) {
      this.o.logger.error(`rule ${this.o.ruleId}: checkpoint failed: ${(e as Error).message}`);
      return false;
    } finally {
      if (!this.closed) hooks.resume();
    }
  }

  /** Snapshot, write, release: synchronous, so no record or timer runs in between. */
  private write(): void {
    const upTo = this.processed;
    const state = this.stateful ? (this.o.processor as StatefulProcessor).snapshot() : undefined;
    const newest: string[] = [];
    for (let i = this.head; i < this.pending.length && this.pending[i]!.seq <= upTo; i++) {
      const id = this.pending[i]!.id;
      if (id !== undefined) newest.push(id);
    }
    const seen = this.o.qos >= 2 ? [...this.recent[1]!, ...newest] : [];
    this.lastCheckpointAt = this.o.clock.now();
    this.store.save({ ruleId: this.o.ruleId, ts: this.lastCheckpointAt, state, seen, fingerprint: this.fingerprint });
    this.stats.checkpoints++;
    this.release(upTo);
    if (this.o.qos >= 2) {
      this.recent = [this.recent[1]!, newest];
      this.recentSet = new Set([...this.recent[0]!, ...newest]);
    }
  }

  private async waitIdle(): Promise<boolean> {
    const end = Date.now() + (this.o.idleWaitMs ?? DEFAULT_IDLE_WAIT_MS);
    while (!this.o.hooks.sinksIdle()) {
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  }

  /**
   * Graceful stop, after the queue was processed and before the sinks close: a final
   * checkpoint (or, stateless at QoS 1, the release of what the sinks delivered). What is
   * not covered stays unacknowledged and is delivered again to the next run.
   */
  async close(): Promise<void> {
    this.intervalTimer?.cancel();
    this.soonTimer?.cancel();
    this.soonTimer = undefined;
    if (this.running) await this.running;
    if (this.byCheckpoint) {
      if (await this.waitIdle()) {
        try {
          this.write();
        } catch (e) {
          this.o.logger.error(`rule ${this.o.ruleId}: final checkpoint failed: ${(e as Error).message}`);
        }
      }
    } else if (await this.waitIdle()) this.release(this.processed);
    this.closed = true;
  }

  /** Stops timers without a final checkpoint (the rule failed). */
  abort(): void {
    this.closed = true;
    this.intervalTimer?.cancel();
    this.soonTimer?.cancel();
  }
}
