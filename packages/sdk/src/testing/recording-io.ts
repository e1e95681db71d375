import type { ConnectionStatus } from '../context.js';
import type { SourceIO } from '../source.js';
import type { Meta, Row } from '../values.js';

/** What a {@link RecordingIO} received, in order. */
export type Received =
  | { kind: 'bytes'; payload: Uint8Array; meta?: Meta; ts?: number }
  | { kind: 'tuple'; data: Row | Row[]; meta?: Meta; ts?: number };

/**
 * A {@link SourceIO} that records everything a source hands over, for tests.
 * Set `accept = false` to simulate a full engine queue; `drain()` fires the `onDrain` callbacks.
 */
export class RecordingIO implements SourceIO {
  readonly received: Received[] = [];
  readonly errors: Error[] = [];
  readonly statuses: { status: ConnectionStatus; message?: string }[] = [];
  eofMessage: string | undefined;
  ended = false;
  accept = true;
  private drainFns: (() => void)[] = [];

  bytes(payload: Uint8Array, meta?: Meta, ts?: number): boolean {
    this.received.push({ kind: 'bytes', payload, meta, ts });
    return this.accept;
  }
  tuple(data: Row | Row[], meta?: Meta, ts?: number): boolean {
    this.received.push({ kind: 'tuple', data, meta, ts });
    return this.accept;
  }
  error(err: Error): void {
    this.errors.push(err);
  }
  eof(message?: string): void {
    this.ended = true;
    this.eofMessage = message;
  }
  status(status: ConnectionStatus, message?: string): void {
    this.statuses.push({ status, message });
  }
  onDrain(fn: () => void): void {
    this.drainFns.push(fn);
  }
  /** Calls the `onDrain` callbacks, as the engine does when its queue has room again. */
  drain(): void {
    this.accept = true;
    for (const fn of this.drainFns) fn();
  }
  /** Received records flattened to rows; bytes are parsed as JSON. */
  rows(): Row[] {
    const out: Row[] = [];
    for (const r of this.received) {
      const v = r.kind === 'bytes' ? (JSON.parse(Buffer.from(r.payload).toString('utf8')) as Row | Row[]) : r.data;
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  }
}

/** Polls `cond` every 10 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
