import { serialize } from 'node:v8';

/**
 * The answering side of a synchronous call (see sync-caller.ts): a plugin worker thread or
 * the process relay. It writes the reply, encoded with `v8.serialize` (structured clone, so
 * bigint, Date and bytes keep their types), into a SharedArrayBuffer, then publishes the
 * call's sequence number in a control word and wakes the blocked caller.
 */

/** Int32 index of the sequence number of the last answered call. */
export const CTRL_DONE = 0;
/** Int32 index of the reply kind: REPLY_INLINE or REPLY_OVERFLOW. */
export const CTRL_KIND = 1;
/** Int32 index of the encoded reply's length in bytes (or the length needed, on overflow). */
export const CTRL_LEN = 2;
export const REPLY_INLINE = 1;
export const REPLY_OVERFLOW = 2;
/** Message type the caller sends to get an overflowed reply again, in a bigger buffer. */
export const RESEND = '__sync_resend';

/** The buffers shared by one caller and one responder. */
export interface SyncBuffers {
  /** Int32Array(4): done seq, kind, length. */
  ctrl: SharedArrayBuffer;
  /** Encoded reply bytes; replaced by a bigger one when a reply does not fit. */
  data: SharedArrayBuffer;
}

/** A reply as it crosses the buffer. */
export interface SyncReply {
  ok: boolean;
  value?: unknown;
  error?: string;
  retryable?: boolean;
  errorName?: string;
  /** Set by the caller when nobody answered in time. */
  timedOut?: boolean;
}

export class SyncResponder {
  private readonly ctrl: Int32Array;
  private data: Uint8Array;
  /** Only the newest call is answered: the caller gave up on older ones. */
  private latest = 0;
  private retained?: Uint8Array;

  constructor(buffers: SyncBuffers) {
    this.ctrl = new Int32Array(buffers.ctrl);
    this.data = new Uint8Array(buffers.data);
  }

  /** A synchronous request `seq` arrived; call before working on it. */
  begin(seq: number): void {
    this.latest = seq;
    this.retained = undefined;
  }

  /** The caller made room for an overflowed reply: send it again as `seq`. */
  resend(data: SharedArrayBuffer, seq: number): void {
    this.data = new Uint8Array(data);
    this.latest = seq;
    const bytes = this.retained;
    this.retained = undefined;
    // Without a retained reply this only swaps the buffer back (nobody waits for `seq`).
    if (bytes) this.publish(seq, bytes);
  }

  /** Answers call `seq` (ignored when the caller has moved on to a newer call). */
  reply(seq: number, reply: SyncReply): void {
    if (seq !== this.latest) return;
    let bytes: Uint8Array;
    try {
      bytes = serialize(reply);
    } catch (err) {
      bytes = serialize({ ok: false, error: `the result cannot be passed to the engine: ${(err as Error).message}` });
    }
    this.publish(seq, bytes);
  }

  private publish(seq: number, bytes: Uint8Array): void {
    if (bytes.length > this.data.length) {
      this.retained = bytes;
      Atomics.store(this.ctrl, CTRL_KIND, REPLY_OVERFLOW);
    } else {
      this.data.set(bytes);
      Atomics.store(this.ctrl, CTRL_KIND, REPLY_INLINE);
    }
    Atomics.store(this.ctrl, CTRL_LEN, bytes.length);
    Atomics.store(this.ctrl, CTRL_DONE, seq);
    Atomics.notify(this.ctrl, CTRL_DONE);
  }
}
