import type { ConnectionStatus, StreamContext } from './context.js';
import type { Meta, Row } from './values.js';

/**
 * How a source hands data to the engine. `bytes` is decoded with the stream's FORMAT;
 * `tuple` is taken as already-decoded rows. Both return `false` when the engine's queue is
 * full: a push source should then stop reading until `onDrain` fires (or it may keep
 * pushing, and the engine applies the rule's buffer policy).
 *
 * @example
 * ```ts
 * client.on('message', (topic, payload) => {
 *   if (!io.bytes(payload, { topic })) client.pause();
 * });
 * io.onDrain(() => client.resume());
 * ```
 */
export interface SourceIO {
  bytes(payload: Uint8Array, meta?: Meta, ts?: number): boolean;
  tuple(data: Row | Row[], meta?: Meta, ts?: number): boolean;
  /** Reports an error that does not stop the source (counted in the rule's metrics). */
  error(err: Error): void;
  /** A bounded source signals it has no more data; rules end with status `done`. */
  eof(message?: string): void;
  status(status: ConnectionStatus, message?: string): void;
  onDrain(fn: () => void): void;
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
