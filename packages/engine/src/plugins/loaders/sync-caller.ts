import { deserialize } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { CTRL_DONE, CTRL_KIND, CTRL_LEN, REPLY_OVERFLOW, RESEND, type SyncBuffers, type SyncReply } from './sync-responder.js';

/** First size of the reply buffer; a bigger reply grows it once (see RESEND). */
const INITIAL_BYTES = 64 * 1024;
/** A grown buffer above this size is dropped after use, so one huge reply does not pin memory. */
const KEEP_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The engine's side of a synchronous call into an isolated plugin. The expression compiler
 * calls functions synchronously, so the engine thread posts the request to the thread that
 * answers (the plugin's worker, or the relay worker of an external process) and blocks in
 * `Atomics.wait` until that thread publishes the reply in shared memory. The wait has a
 * deadline: a plugin that does not answer yields a timed-out reply, never a hang.
 */
export class SyncCaller {
  readonly buffers: SyncBuffers;
  private readonly ctrl: Int32Array;
  private data: Uint8Array;
  private seq = 0;

  constructor(private readonly post: (msg: Record<string, unknown>) => void) {
    this.buffers = { ctrl: new SharedArrayBuffer(16), data: new SharedArrayBuffer(INITIAL_BYTES) };
    this.ctrl = new Int32Array(this.buffers.ctrl);
    this.data = new Uint8Array(this.buffers.data);
  }

  /** Sends `msg` (with `sync: <seq>` added) and waits at most `timeoutMs` for its reply. */
  call(msg: Record<string, unknown>, timeoutMs: number): SyncReply {
    const deadline = performance.now() + timeoutMs;
    let seq = this.nextSeq();
    msg.sync = seq;
    this.post(msg);
    if (!this.wait(seq, deadline)) return timedOut(msg.type, timeoutMs);
    if (Atomics.load(this.ctrl, CTRL_KIND) === REPLY_OVERFLOW) {
      const need = Atomics.load(this.ctrl, CTRL_LEN);
      const big = new SharedArrayBuffer(need);
      seq = this.nextSeq();
      this.post({ type: RESEND, data: big, sync: seq });
      if (!this.wait(seq, deadline)) return timedOut(msg.type, timeoutMs);
      const reply = this.decode(new Uint8Array(big));
      if (need <= KEEP_MAX_BYTES) {
        this.buffers.data = big;
        this.data = new Uint8Array(big);
      } else {
        // Give the responder back a normal buffer for the next calls.
        this.post({ type: RESEND, data: this.buffers.data, sync: this.nextSeq() });
      }
      return reply;
    }
    return this.decode(this.data);
  }

  private wait(seq: number, deadline: number): boolean {
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL_DONE);
      if (done === seq) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.ctrl, CTRL_DONE, done, left);
    }
  }

  private decode(bytes: Uint8Array): SyncReply {
    const len = Atomics.load(this.ctrl, CTRL_LEN);
    try {
      return deserialize(Buffer.from(bytes.buffer, 0, len)) as SyncReply;
    } catch (err) {
      return { ok: false, error: `unreadable reply: ${(err as Error).message}` };
    }
  }

  private nextSeq(): number {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    return this.seq;
  }
}

function timedOut(type: unknown, ms: number): SyncReply {
  return { ok: false, timedOut: true, retryable: true, error: `did not answer ${String(type)} within ${ms} ms` };
}
