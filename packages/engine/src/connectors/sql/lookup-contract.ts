import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Source } from '@oort/sdk';
import { createTestContext } from '@oort/sdk/testing';
import { ManualClock } from '../../runtime/clock.js';

export interface LookupContractOptions {
  /** Fresh properties for one test (unique table or key prefix); `lookup` is added by the suite. */
  props: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The key column (the ON column of the table). */
  key: string;
  /** The key value of row i as the stream gives it (default `BigInt(i)`). */
  value?: (i: number) => unknown;
  /** Writes rows 1 and 2 as `{<key>: i, name: "a" | "b"}` upstream. */
  seed: (props: Record<string, unknown>) => Promise<void>;
  /** Changes row 1's name to "changed" upstream. */
  change: (props: Record<string, unknown>) => Promise<void>;
  /** Whether `lookup` must work without `connect` being called first (default true). */
  lazy?: boolean;
  skip?: string | false;
}

/**
 * What every lookup-capable source must do for lookup joins: answer `lookup(keys, values)`
 * with the matching rows (none for an absent key), and honour the `lookup` cache props with
 * TTLs on the injected clock. A candidate for `@oort/sdk/testing` next to the other suites.
 */
export function describeLookupContract(name: string, factory: () => Source, opts: LookupContractOptions): void {
  const value = opts.value ?? ((i: number) => BigInt(i));
  const names = (rows: Record<string, unknown>[]) => rows.map((r) => r.name);

  describe(`${name} (lookup contract)`, { skip: opts.skip }, () => {
    it('finds the row of a present key and nothing for an absent one', async () => {
      const props = await opts.props();
      await opts.seed(props);
      const src = factory();
      const ctx = createTestContext();
      await src.provision(ctx, props);
      if (opts.lazy === false) await src.connect(ctx, { bytes: () => true, tuple: () => true, error: () => {}, eof: () => {}, status: () => {}, onDrain: () => {} });
      try {
        assert.ok(src.lookup, 'the source declares lookup');
        assert.deepEqual(names(await src.lookup(ctx, [], [opts.key], [value(1)])), ['a']);
        assert.deepEqual(names(await src.lookup(ctx, [], [opts.key], [value(2)])), ['b']);
        assert.deepEqual(await src.lookup(ctx, [], [opts.key], [value(999)]), []);
      } finally {
        await src.close(ctx);
      }
    });

    it('keeps answering from its cache until cacheTtl has passed on the injected clock', async () => {
      const props = { ...(await opts.props()), lookup: { cache: true, cacheTtl: '1s' } };
      await opts.seed(props);
      const clock = new ManualClock(10_000);
      const src = factory();
      const ctx = createTestContext({ clock });
      await src.provision(ctx, props);
      try {
        assert.deepEqual(names(await src.lookup!(ctx, [], [opts.key], [value(1)])), ['a']);
        await opts.change(props);
        clock.advanceTo(10_999);
        assert.deepEqual(names(await src.lookup!(ctx, [], [opts.key], [value(1)])), ['a']);
        clock.advanceTo(11_000);
        assert.deepEqual(names(await src.lookup!(ctx, [], [opts.key], [value(1)])), ['changed']);
      } finally {
        await src.close(ctx);
      }
    });

    it('sees upstream changes at once without a cache', async () => {
      const props = await opts.props();
      await opts.seed(props);
      const src = factory();
      const ctx = createTestContext();
      await src.provision(ctx, props);
      try {
        assert.deepEqual(names(await src.lookup!(ctx, [], [opts.key], [value(1)])), ['a']);
        await opts.change(props);
        assert.deepEqual(names(await src.lookup!(ctx, [], [opts.key], [value(1)])), ['changed']);
      } finally {
        await src.close(ctx);
      }
    });

    it('can be closed twice, and closed before any lookup', async () => {
      const src = factory();
      const ctx = createTestContext();
      await src.provision(ctx, await opts.props());
      await src.close(ctx);
      await src.close(ctx);
    });
  });
}
