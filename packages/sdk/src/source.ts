import type { ConnectionStatus, StreamContext } from './context.js';
import type { Meta, Row } from './values.js';

/**
 * Acknowledgement of one message, for sources whose upstream redelivers what was not
 * acknowledged (MQTT QoS 1/2 with a persistent session, AMQP, JetStream, ...).
 *
 * The engine calls `ack` exactly once, when every rule that received the message has
 * covered it (its results were delivered by the sinks, or a checkpoint includes its
 * effect), or never: a message whose processing could not be made durable stays
 * unacknowledged so the upstream delivers it again after a reconnect. Acks of different
 * messages may come in any order.
 */
export interface Delivery {
  /** Called at most once; the source then acknowledges the message upstream. */
  ack(): void;
  /**
   * An identity of the message that stays the same when it is redelivered (for MQTT:
   * topic, packet id and payload length). Rules at QoS 2 use it to drop copies of a message
   * they already processed.
   */
  id?: string;
  /** The upstream marks this as a redelivery (MQTT's DUP flag). */
  redelivered?: boolean;
}

/**
 * What the engine asks of an acknowledging source, known when `connect` is called.
 * Absent on engines older than sdk 1.1.0.
 */
export interface DeliveryRequest {
  /**
   * True when at least one rule reading the stream runs at QoS 1 or 2: the source should
   * keep unacknowledged messages upstream (persistent session) and pass a {@link Delivery}
   * with each message. False: acknowledge as before, on receipt.
   */
  readonly acknowledged: boolean;
  /** A stable session name for this stream on this server, usable as a client id. */
  readonly sessionId: string;
}

/**
 * How a source hands data to the engine. `bytes` is decoded with the stream's FORMAT;
 * `tuple` is taken as already-decoded rows. Both return `false` when the engine's queue is
 * full: a push source should then stop reading until `onDrain` fires (or it may keep
 * pushing, and the engine applies the rule's buffer policy).
 *
 * Since sdk 1.1.0 both take an optional last argument, a {@link Delivery} (or just its
 * `ack` function): the engine acknowledges the message through it once the rules have
 * covered it. Sources that do not pass one behave as before (at most once).
 *
 * @example
 * ```ts
 * client.on('message', (topic, payload) => {
 *   if (!io.bytes(payload, { topic })) client.pause();
 * });
 * io.onDrain(() => client.resume());
 * ```
 *
 * @example Acknowledging only what the rules covered (sdk >= 1.1.0)
 * ```ts
 * connect(ctx, io) {
 *   const manual = io.delivery?.acknowledged === true;
 *   consumer.on('message', (msg) => {
 *     if (!manual) return io.bytes(msg.body, { id: msg.id });
 *     io.bytes(msg.body, { id: msg.id }, undefined, { ack: () => msg.ack(), id: msg.id, redelivered: msg.redelivered });
 *   });
 * }
 * ```
 */
export interface SourceIO {
  bytes(payload: Uint8Array, meta?: Meta, ts?: number, delivery?: Delivery | (() => void)): boolean;
  tuple(data: Row | Row[], meta?: Meta, ts?: number, delivery?: Delivery | (() => void)): boolean;
  /** Reports an error that does not stop the source (counted in the rule's metrics). */
  error(err: Error): void;
  /** A bounded source signals it has no more data; rules end with status `done`. */
  eof(message?: string): void;
  status(status: ConnectionStatus, message?: string): void;
  onDrain(fn: () => void): void;
  /** Whether the engine will acknowledge messages (sdk >= 1.1.0; absent means no). */
  readonly delivery?: DeliveryRequest;
}

/**
 * A source of records. Push sources start delivering in `connect`; pull sources implement
 * `pull`, which the engine calls every `interval` milliseconds.
 *
 * Lifecycle: `provision` (validate props, no I/O) → `connect` → data → `close`.
 *
 * @example
 * ```ts
 * export class TickSource implements Source {
 *   private timer?: TimerHandle;
 *   provision(ctx: StreamContext, props: Record<string, unknown>) {}
 *   connect(ctx: StreamContext, io: SourceIO) {
 *     this.timer = ctx.clock.setInterval(() => io.tuple({ t: ctx.clock.now() }), 1000);
 *   }
 *   close() { this.timer?.cancel(); }
 * }
 * ```
 */
export interface Source {
  provision(ctx: StreamContext, props: Record<string, unknown>): void | Promise<void>;
  connect(ctx: StreamContext, io: SourceIO): void | Promise<void>;
  /** Pull style: fetch once; the engine calls it on each tick with the tick time. */
  pull?(ctx: StreamContext, trigger: number, io: SourceIO): void | Promise<void>;
  close(ctx: StreamContext): void | Promise<void>;
  /** Lookup capability: rows whose `keys` equal `values` (lookup tables). */
  lookup?(ctx: StreamContext, fields: string[], keys: string[], values: unknown[]): Promise<Row[]>;
  /** Rewind capability: the engine checkpoints `offset()` and calls `rewind` on recovery. */
  offset?(): unknown;
  rewind?(offset: unknown): void | Promise<void>;
}
