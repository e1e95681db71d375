import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Source } from '../source.js';
import { createTestContext, type TestContext } from './context.js';
import { RecordingIO, waitFor } from './recording-io.js';

export interface SourceContractOptions {
  /** Properties for `provision`; a function gives each test fresh ones (unique topics, files). */
  props: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>);
  /**
   * Makes the source's upstream produce data (publish a message, POST a body); called after
   * `connect`. Sources that read data present before `connect` (files) may leave it out.
   */
  produce?: (props: Record<string, unknown>, source: Source) => void | Promise<void>;
  /** How long to wait for data, in ms (default 5000). */
  timeoutMs?: number;
  /** Bounded sources: the suite checks that `eof` is signalled. */
  bounded?: boolean;
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
}

/**
 * The behaviour every source must show, as a `node:test` suite: data delivered through
 * {@link SourceIO} after `connect`, nothing delivered after `close`, and `close` being safe
 * to call twice.
 *
 * @example
 * ```ts
 * import { describeSourceContract } from '@oort/sdk/testing';
 * describeSourceContract('tick', () => new TickSource(), { props: { interval: 10 } });
 * ```
 */
export function describeSourceContract(name: string, factory: () => Source, opts: SourceContractOptions): void {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const propsFor = async () => (typeof opts.props === 'function' ? await opts.props() : { ...opts.props });

  async function started(): Promise<{ source: Source; ctx: TestContext; io: RecordingIO; props: Record<string, unknown> }> {
    const source = factory();
    const ctx = createTestContext();
    const io = new RecordingIO();
    const props = await propsFor();
    await source.provision(ctx, props);
    await source.connect(ctx, io);
    return { source, ctx, io, props };
  }

  describe(`${name} (source contract)`, () => {
    if (opts.before) it('sets up its test fixture', async () => opts.before!());

    it('delivers data through SourceIO after connect', async () => {
      const { source, ctx, io, props } = await started();
      try {
        await opts.produce?.(props, source);
        await waitFor(() => io.received.length > 0, timeoutMs, 'data from the source');
        assert.equal(io.errors.length, 0, io.errors.map((e) => e.message).join('; '));
        if (opts.bounded) await waitFor(() => io.ended, timeoutMs, 'eof');
      } finally {
        ctx.abort();
        await source.close(ctx);
      }
    });

    it('delivers nothing after close', async () => {
      const { source, ctx, io, props } = await started();
      await opts.produce?.(props, source);
      await waitFor(() => io.received.length > 0, timeoutMs, 'data from the source');
      ctx.abort();
      await source.close(ctx);
      const seen = io.received.length;
      if (opts.produce) {
        try {
          await opts.produce(props, source);
        } catch {
          // the upstream may refuse once the source is gone (HTTP server closed); that is fine
        }
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(io.received.length, seen, 'the source delivered data after close');
    });

    it('can be closed twice', async () => {
      const { source, ctx } = await started();
      ctx.abort();
      await source.close(ctx);
      await source.close(ctx);
    });

    if (opts.after) it('tears down its test fixture', async () => opts.after!());
  });
}
