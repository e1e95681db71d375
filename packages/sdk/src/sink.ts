import type { ConnectionStatus, StreamContext } from './context.js';
import type { Row } from './values.js';

/**
 * One unit of output. Byte sinks (`kind: 'bytes'`) get `payload`, already encoded with the
 * action's `format` and `dataTemplate`; tuple sinks get `rows` (after `fields`/`dataField`).
 * `props` holds the action properties with `{{...}}` templates rendered for this item.
 */
export interface SinkItem {
  payload?: Uint8Array;
  rows?: Row[];
  props: Record<string, unknown>;
}

/**
 * A destination for rule results. `collect` returns a promise: the engine sends the next
 * item only when it settles, which is how slow sinks push back on the rule. Throw an
 * `IOError` for failures worth retrying; the engine buffers and resends.
 *
 * @example
 * ```ts
 * export class ConsoleSink implements Sink {
 *   readonly kind = 'tuple';
 *   provision() {}
 *   async connect() {}
 *   async collect(ctx: StreamContext, item: SinkItem) { for (const r of item.rows ?? []) console.log(r); }
 *   async close() {}
 * }
 * ```
 */
export interface Sink {
  readonly kind: 'bytes' | 'tuple';
  /**
   * How many `collect` calls may be outstanding at once (default 1). With more, the engine
   * sends the next items before earlier promises settle, confirms them in order, and after a
   * retryable failure of an item resends it and every item sent after it (at least once).
   * Declare it only if the destination keeps the order of concurrent sends (an MQTT client,
   * one socket).
   *
   * @example
   * ```ts
   * readonly maxInFlight = 64;
   * ```
   */
  readonly maxInFlight?: number;
  provision(ctx: StreamContext, props: Record<string, unknown>): void | Promise<void>;
  connect(ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): void | Promise<void>;
  collect(ctx: StreamContext, item: SinkItem): Promise<void>;
  /** Flushes what is pending and releases connections. */
  close(ctx: StreamContext): void | Promise<void>;
}
