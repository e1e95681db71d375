import type { Delivery, DeliveryRequest, Meta, Row, Source, SourceIO, StreamContext } from '@oort/sdk';
import { AckToken } from '../../rules/checkpoint/ack-token.js';
import { sessionIdFor } from '../../rules/checkpoint/session-id.js';
import type { Tuple } from '../tuple.js';
import { NodeMetrics, SharedCounters } from './metrics.js';
import { backoffDelay, CONNECT_BACKOFF } from './backoff.js';

/** What a rule registers with a shared source. */
export interface SourceSubscriber {
  readonly ruleId: string;
  readonly sourceMetrics: NodeMetrics;
  readonly decoderMetrics: NodeMetrics;
  /**
   * The rule's QoS. At 1 or 2 the source is asked to keep unacknowledged messages upstream
   * (persistent session), and the rule holds each message's `ack` token until it covered it.
   */
  readonly qos?: number;
  /**
   * Returns false when the rule's input queue is full. `ack` is set when the source can be
   * acknowledged; a subscriber that needs time to cover the record calls `ack.hold()` and
   * later `ack.done()` (or `ack.fail()`); one that does not just ignores it.
   */
  push(t: Tuple, ack?: AckToken): boolean;
  eof(message: string): void;
  /** A message that could not be decoded or validated (already counted in decoderMetrics). */
  error(err: Error): void;
}

export interface Decoder {
  decode(payload: Uint8Array): Row | Row[];
}

/**
 * One running source for a stream, shared by every rule that reads the stream: one
 * connection, one decode, fanned out to the rules. It connects when the first rule
 * subscribes and closes when the last one leaves.
 */
export class SourceNode {
  private readonly subs = new Set<SourceSubscriber>();
  /** `subs` as an array (replaced, never mutated, on (un)subscribe): the fan-out walks it per row. */
  private list: readonly SourceSubscriber[] = [];
  /**
   * Counted once per message for every subscriber (each one's metrics report these minus
   * their value when it subscribed), instead of walking the subscribers to bump counters.
   */
  private readonly sourceCount = new SharedCounters();
  private readonly decoderCount = new SharedCounters();
  private readonly drainListeners: (() => void)[] = [];
  private paused = false;
  private closed = false;
  private pullTimer?: { cancel(): void };
  private attempt = 0;
  private provisioned = false;
  private connecting = false;
  private delivery?: DeliveryRequest;
  readonly io: SourceIO;

  constructor(
    readonly stream: string,
    readonly connector: Source,
    private readonly ctx: StreamContext,
    private readonly decoder: Decoder | undefined,
    private readonly props: Record<string, unknown>,
    /** Distinguishes this server's upstream sessions from another's (the data folder). */
    private readonly sessionScope?: string,
  ) {
    const node = this;
    this.io = {
      bytes: (payload, meta, ts, d) => this.ingestBytes(payload, meta, ts, d),
      tuple: (data, meta, ts, d) => this.ingestRows(data, meta ?? {}, ts ?? this.ctx.clock.now(), d),
      error: (err) => this.forEach((s) => s.sourceMetrics.error(err, this.ctx.clock.now())),
      eof: (msg) => this.forEach((s) => s.eof(msg ?? '')),
      status: (st, msg) => this.forEach((s) => s.sourceMetrics.connection(st, this.ctx.clock.now(), msg)),
      onDrain: (fn) => this.drainListeners.push(fn),
      get delivery() {
        return node.delivery;
      },
    };
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  /** The first subscriber starts the connection, so the source knows whether to keep a session. */
  subscribe(sub: SourceSubscriber): void {
    if (!this.subs.has(sub)) {
      this.subs.add(sub);
      this.list = [...this.subs];
      sub.sourceMetrics.link(this.sourceCount);
      sub.decoderMetrics.link(this.decoderCount);
    }
    if (this.provisioned) this.startConnecting();
    else if (this.connecting && (sub.qos ?? 0) >= 1 && !this.delivery?.acknowledged) {
      this.ctx.logger.warn(
        `stream ${this.stream} was connected for QoS 0 rules; rule ${sub.ruleId} gets QoS 1/2 acknowledgements only after the other rules on the stream restart`,
      );
    }
  }

  unsubscribe(sub: SourceSubscriber): void {
    if (!this.subs.delete(sub)) return;
    this.list = [...this.subs];
    sub.sourceMetrics.unlink();
    sub.decoderMetrics.unlink();
  }

  /** Provisions (config errors throw here) and connects in the background with retries. */
  async open(): Promise<void> {
    await this.connector.provision(this.ctx, this.props);
    this.provisioned = true;
    if (this.subs.size) this.startConnecting();
  }

  /** Connects once; whether any rule runs at QoS >= 1 decides what the source is asked for. */
  private startConnecting(): void {
    if (this.connecting || this.closed) return;
    this.connecting = true;
    this.provisioned = false;
    let acknowledged = false;
    for (const s of this.subs) if ((s.qos ?? 0) >= 1) acknowledged = true;
    this.delivery = { acknowledged, sessionId: sessionIdFor(this.sessionScope, this.stream, this.props) };
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    while (!this.closed) {
      this.io.status('connecting');
      try {
        await this.connector.connect(this.ctx, this.io);
        this.attempt = 0;
        this.forEach((s) => {
          if (s.sourceMetrics.connectionStatus === 'connecting') s.sourceMetrics.connection('connected', this.ctx.clock.now());
        });
        const interval = Number(this.props.interval ?? 0);
        if (this.connector.pull && interval > 0) {
          this.pullTimer = this.ctx.clock.setInterval(() => {
            void Promise.resolve(this.connector.pull!(this.ctx, this.ctx.clock.now(), this.io)).catch((e) => this.io.error(e as Error));
          }, interval);
        }
        return;
      } catch (e) {
        this.io.status('disconnected', (e as Error).message);
        this.io.error(e as Error);
        this.ctx.logger.warn(`cannot connect source of stream ${this.stream}: ${(e as Error).message}`);
        await new Promise<void>((r) => this.ctx.clock.setTimeout(r, backoffDelay(this.attempt++, CONNECT_BACKOFF)));
      }
    }
  }

  private forEach(fn: (s: SourceSubscriber) => void): void {
    for (const s of this.subs) fn(s);
  }

  private ingestBytes(payload: Uint8Array, meta: Meta | undefined, ts: number | undefined, d?: Delivery | (() => void)): boolean {
    const now = ts ?? this.ctx.clock.now();
    const m = meta ?? {};
    this.sourceCount.recordsIn++;
    this.sourceCount.lastInvocation = now;
    let decoded: Row | Row[];
    if (!this.decoder) {
      decoded = { self: payload };
    } else {
      try {
        decoded = this.decoder.decode(payload);
      } catch (e) {
        this.failed(e as Error, now);
        // it can never produce a result: a redelivery would not help
        if (d) AckToken.of(d).done();
        return !this.paused;
      }
    }
    this.sourceCount.recordsOut++;
    this.decoderCount.recordsIn++;
    return this.fanOut(decoded, m, now, d);
  }

  private ingestRows(data: Row | Row[], meta: Meta, ts: number, d?: Delivery | (() => void)): boolean {
    this.sourceCount.recordsIn++;
    this.sourceCount.recordsOut++;
    this.sourceCount.lastInvocation = ts;
    this.decoderCount.recordsIn++;
    return this.fanOut(data, meta, ts, d);
  }

  private failed(err: Error, now: number): void {
    this.sourceCount.recordsOut++;
    this.decoderCount.recordsIn++;
    for (const s of this.list) {
      s.decoderMetrics.error(err, now);
      s.error(err);
    }
  }

  private fanOut(data: Row | Row[], meta: Meta, ts: number, d?: Delivery | (() => void)): boolean {
    let ok = true;
    // the node holds the token while fanning out; rules at QoS >= 1 add their own holds
    const token = d ? AckToken.of(d) : undefined;
    if (Array.isArray(data)) {
      for (const row of data) ok = this.deliver({ emitter: this.stream, data: row, meta, ts }, token) && ok;
    } else {
      ok = this.deliver({ emitter: this.stream, data, meta, ts }, token);
    }
    // with no rule left (one stopping) nobody covered it: keep it upstream for the next run
    if (this.subs.size) token?.done();
    else token?.fail();
    if (!ok) this.paused = true;
    return ok;
  }

  private deliver(t: Tuple, token: AckToken | undefined): boolean {
    let ok = true;
    this.decoderCount.recordsOut++;
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (!list[i]!.push(t, token)) ok = false;
    return ok;
  }

  /** A subscriber's queue has room again. */
  drained(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const fn of this.drainListeners) fn();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pullTimer?.cancel();
    try {
      await this.connector.close(this.ctx);
    } catch (e) {
      this.ctx.logger.warn(`closing source of stream ${this.stream}: ${(e as Error).message}`);
    }
  }
}
