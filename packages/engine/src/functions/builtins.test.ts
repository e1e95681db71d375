import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FunctionContext } from '@oort/sdk';
import { builtinNames, checkNil, getBuiltin, setTimeZone } from './index.js';

function ctx(): FunctionContext {
  const m = new Map<string, unknown>();
  const noop = () => {};
  return {
    ruleId: 'r1', opId: 'op', instanceId: 0, funcId: 1,
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    clock: { now: () => 1700000000123, setTimeout: () => ({ cancel: noop }), setInterval: () => ({ cancel: noop }) },
    state: { get: <T>(k: string) => m.get(k) as T, put: (k, v) => void m.set(k, v), delete: (k) => void m.delete(k) },
    signal: new AbortController().signal,
  };
}
const call = (name: string, ...args: unknown[]) => getBuiltin(name)!.exec(ctx(), args);

test('every eKuiper built-in name is registered', () => {
  assert.equal(builtinNames().length, 192);
  assert.equal(getBuiltin('CEIL')?.name, 'ceil');
  assert.equal(getBuiltin('window_start')?.kind, 'intrinsic');
  assert.equal(getBuiltin('avg')?.type, 'aggregate');
});

test('the nil check treats empty arrays and maps as nil', () => {
  assert.deepEqual(checkNil('nil', [1n, []]), { skip: true, value: null });
  assert.deepEqual(checkNil('zero', [{}]), { skip: true, value: 0n });
  assert.equal(checkNil('false', ['a']).skip, false);
});

test('datetime functions use the configured zone and the injected clock', () => {
  setTimeZone('Asia/Shanghai');
  try {
    assert.equal(call('format_time', 1700000000123n, 'yyyy-MM-dd HH:mm:ss.SSS XXX'), '2023-11-15 06:13:20.123 +08:00');
    assert.equal(call('now'), '2023-11-15 06:13:20');
    assert.equal(call('hour', '2023-11-15 06:13:20'), 6n);
  } finally {
    setTimeZone(undefined);
  }
  assert.equal(call('date_diff', 1000n, 2000n), 1000000000n);
  assert.equal(call('last_day', 1707523200000n), '2024-02-29');
});

test('json path queries support filters and quoted keys', () => {
  const doc = { a: [{ x: 1 }, { x: 5 }], 'b.c': 3 };
  assert.deepEqual(call('json_path_query', doc, '$.a[? @.x > 1]'), [{ x: 5 }]);
  assert.equal(call('json_path_query', doc, '$["b.c"]'), 3);
  assert.equal(call('json_path_exists', doc, '$.nope'), false);
});

test('compress and decompress round-trip', () => {
  const c = ctx();
  const z = getBuiltin('compress')!.exec(c, ['hello', 'gzip']);
  assert.equal(Buffer.from(getBuiltin('decompress')!.exec(ctx(), [z, 'gzip']) as Uint8Array).toString(), 'hello');
  assert.throws(() => getBuiltin('compress')!.exec(c, ['x', 'zlib']), /consistent/);
});

test('accumulate functions follow the begin and reset conditions', () => {
  const c = ctx();
  const f = getBuiltin('acc_count')!;
  const out = [1n, 2n, 1n, 3n, -1n, 1n].map((a) => f.exec(c, [a, a > 1n, a < 0n, true, '']));
  assert.deepEqual(out, [0n, 1n, 2n, 3n, 4n, 0n]);
});
