import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sink, SinkItem } from '../sink.js';
import { createTestContext } from './context.js';

export interface SinkContractOptions {
  /** Properties for `provision`; a function gives each test fresh ones (unique topics, files). */
  props: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>);
  /** The i-th item to collect; by default `{"n": i}` as a JSON payload or a row. */
  item?: (i: number, props: Record<string, unknown>) => SinkItem;
  /** How many items each test collects (default 3). */
  count?: number;
  /**
   * Reads back what reached the destination after `close` (rows or payloads). When given,
   * the suite checks that close flushed every collected item.
   */
  received?: (props: Record<string, unknown>) => unknown[] | Promise<unknown[]>;
  /** Runs once before / after the suite (start a local server, ...). */
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
}

function defaultItem(kind: Sink['kind'], i: number, props: Record<string, unknown>): SinkItem {
  const row = { n: i };
  return kind === 'bytes'
    ? { payload: new TextEncoder().encode(JSON.stringify(row)), props }
    : { rows: [row], props };
}

/**
 * The behaviour every sink must show, as a `node:test` suite: the lifecycle
 * provision → connect → collect → close, `collect` returning a promise, `close` flushing
 * what was collected and being safe to call twice.
 *
 * @example
 * ```ts
 * import { describeSinkContract } from '@oort/sdk/testing';
 * describeSinkContract('my sink', () => new MySink(), { props: { url: 'http://127.0.0.1:1' } });
 * ```
 */
export function describeSinkContract(name: string, factory: () => Sink, opts: SinkContractOptions): void {
  const count = opts.count ?? 3;
  const propsFor = async () => (typeof opts.props === 'function' ? await opts.props() : { ...opts.props });

  describe(`${name} (sink contract)`, () => {
    if (opts.before) it('sets up its test fixture', async () => opts.before!());

    it('declares a kind of bytes or tuple', () => {
      assert.ok(['bytes', 'tuple'].includes(factory().kind));
    });

    it('runs provision, connect, collect and close in order', async () => {
      const sink = factory();
      const ctx = createTestContext();
      const props = await propsFor();
      await sink.provision(ctx, props);
      const statuses: string[] = [];
      await sink.connect(ctx, (s) => statuses.push(s));
      for (let i = 0; i < count; i++) {
        const p = sink.collect(ctx, opts.item ? opts.item(i, props) : defaultItem(sink.kind, i, props));
        assert.equal(typeof (p as Promise<void> | undefined)?.then, 'function', 'collect must return a promise');
        await p;
      }
      await sink.close(ctx);
      assert.ok(!statuses.includes('disconnected') || statuses.includes('connected'), `unexpected statuses ${statuses.join(',')}`);
    });

    it('flushes every collected item when closed', async () => {
      const sink = factory();
      const ctx = createTestContext();
      const props = await propsFor();
      await sink.provision(ctx, props);
      await sink.connect(ctx, () => {});
      const pending: Promise<void>[] = [];
      for (let i = 0; i < count; i++) pending.push(sink.collect(ctx, opts.item ? opts.item(i, props) : defaultItem(sink.kind, i, props)));
      await Promise.all(pending);
      await sink.close(ctx);
      if (opts.received) {
        const got = await opts.received(props);
        assert.equal(got.length, count, `expected ${count} items at the destination, got ${got.length}`);
      }
    });

    it('can be closed twice', async () => {
      const sink = factory();
      const ctx = createTestContext();
      await sink.provision(ctx, await propsFor());
      await sink.connect(ctx, () => {});
      await sink.close(ctx);
      await sink.close(ctx);
    });

    it('can be closed without having connected', async () => {
      const sink = factory();
      const ctx = createTestContext();
      await sink.provision(ctx, await propsFor());
      await sink.close(ctx);
    });

    if (opts.after) it('tears down its test fixture', async () => opts.after!());
  });
}
