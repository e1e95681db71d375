import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KVStore } from './kv.js';

/**
 * The behaviour every KVStore must have. Each implementation's test calls this with a
 * factory that returns a fresh, empty store. Kept out of index.ts: it imports node:test.
 */
export function describeKVStoreContract(name: string, open: () => { store: KVStore; cleanup?: () => void }): void {
  describe(`${name} as a KVStore`, () => {
    const withStore = (fn: (s: KVStore) => void) => () => {
      const { store, cleanup } = open();
      try {
        fn(store);
      } finally {
        store.close();
        cleanup?.();
      }
    };

    it('returns undefined for a missing key', withStore((s) => {
      assert.equal(s.get('rule', 'nope'), undefined);
    }));

    it('stores and replaces values', withStore((s) => {
      s.set('rule', 'r1', 'a');
      assert.equal(s.get('rule', 'r1'), 'a');
      s.set('rule', 'r1', 'b');
      assert.equal(s.get('rule', 'r1'), 'b');
    }));

    it('keeps namespaces apart', withStore((s) => {
      s.set('rule', 'x', 'rule-x');
      s.set('stream', 'x', 'stream-x');
      assert.equal(s.get('rule', 'x'), 'rule-x');
      assert.equal(s.get('stream', 'x'), 'stream-x');
      assert.deepEqual(s.keys('rule'), ['x']);
    }));

    it('inserts with setIfAbsent only when the key is new', withStore((s) => {
      assert.equal(s.setIfAbsent('rule', 'r1', 'first'), true);
      assert.equal(s.setIfAbsent('rule', 'r1', 'second'), false);
      assert.equal(s.get('rule', 'r1'), 'first');
    }));

    it('reports whether delete removed something', withStore((s) => {
      s.set('rule', 'r1', 'a');
      assert.equal(s.delete('rule', 'r1'), true);
      assert.equal(s.delete('rule', 'r1'), false);
      assert.equal(s.get('rule', 'r1'), undefined);
    }));

    it('lists keys and entries in ascending key order', withStore((s) => {
      s.set('ns', 'b', '2');
      s.set('ns', 'a', '1');
      s.set('ns', 'c', '3');
      assert.deepEqual(s.keys('ns'), ['a', 'b', 'c']);
      assert.deepEqual(s.entries('ns'), [['a', '1'], ['b', '2'], ['c', '3']]);
      assert.deepEqual(s.keys('empty'), []);
      assert.deepEqual(s.entries('empty'), []);
    }));

    it('keeps empty strings and unicode values intact', withStore((s) => {
      s.set('ns', 'empty', '');
      s.set('ns', 'ünï', '{"v":"☃"}');
      assert.equal(s.get('ns', 'empty'), '');
      assert.equal(s.get('ns', 'ünï'), '{"v":"☃"}');
    }));

    it('commits every write of a transaction together', withStore((s) => {
      const out = s.transaction(() => {
        s.set('ns', 'a', '1');
        s.set('ns', 'b', '2');
        return 42;
      });
      assert.equal(out, 42);
      assert.deepEqual(s.keys('ns'), ['a', 'b']);
    }));

    it('rolls back every write of a transaction that throws', withStore((s) => {
      s.set('ns', 'keep', 'old');
      assert.throws(() =>
        s.transaction(() => {
          s.set('ns', 'keep', 'new');
          s.set('ns', 'added', 'x');
          s.delete('ns', 'keep');
          throw new Error('boom');
        }), /boom/);
      assert.equal(s.get('ns', 'keep'), 'old');
      assert.equal(s.get('ns', 'added'), undefined);
    }));

    it('lets a nested transaction join the outer one', withStore((s) => {
      s.transaction(() => {
        s.set('ns', 'outer', '1');
        s.transaction(() => s.set('ns', 'inner', '2'));
      });
      assert.deepEqual(s.keys('ns'), ['inner', 'outer']);
    }));
  });
}
