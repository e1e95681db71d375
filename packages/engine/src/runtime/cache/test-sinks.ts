import { IOError, type Logger, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { createStreamContext } from '../context.js';
import { SystemClock } from '../clock.js';
import { SinkNode, type SinkNodeOptions } from '../nodes/sink-node.js';

/** A tuple sink that fails with a retryable IOError while `down`, and records what it got. */
export class FlakySink implements Sink {
  readonly kind = 'tuple';
  down = false;
  /** Values of `n` refused with a non-retryable error. */
  readonly poison = new Set<number>();
  readonly got: Row[] = [];
  attempts = 0;
  provision(): void {}
  connect(): void {}
  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    this.attempts++;
    await new Promise((r) => setImmediate(r));
    if (this.down) throw new IOError('sink is down');
    for (const r of item.rows ?? []) {
      if (this.poison.has(r.n as number)) throw new Error(`refusing ${String(r.n)}`);
    }
    for (const r of item.rows ?? []) this.got.push(r);
  }
  close(): void {}
}

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A sink node named `rest_0` of rule `r1` around `sink`, with short retry delays. */
export function sinkNode(sink: Sink, extra: Partial<SinkNodeOptions> = {}): { node: SinkNode; drains: () => number } {
  let drains = 0;
  const node = new SinkNode({
    name: 'rest_0',
    sink,
    ctx: createStreamContext({ ruleId: 'r1', opId: 'sink_rest_0', logger: quietLogger, clock: new SystemClock(), signal: new AbortController().signal }),
    transform: (rows) => rows.map((r) => ({ rows: [r], props: {} })),
    bufferLength: 1024,
    batchSize: 0,
    lingerInterval: 0,
    onDrain: () => drains++,
    retryBackoff: { delay: 10, multiplier: 1, maxDelay: 10, jitterFactor: 0 },
    ...extra,
  });
  return { node, drains: () => drains };
}

export async function until(fn: () => boolean, what: string, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const rows = (from: number, to: number): Row[] => Array.from({ length: to - from }, (_, i) => ({ n: from + i }));
