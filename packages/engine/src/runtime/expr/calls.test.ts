import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FunctionDef } from '@oort/sdk';
import { parseExpression, parseSelect } from '../../sql/index.js';
import { registerBuiltin, type BuiltinFunction } from '../../functions/registry.js';
import type { EvalRow } from '../tuple.js';
import { compileAnalyticStep, compileCall } from './calls.js';
import { compileExpr } from './compile.js';
import { AnalyticKeys, HitState, type ResolvedFunction } from './scope.js';
import { collectAnalyticCalls, isAggregateQuery } from './walk.js';
import { evalError, evalSql, row, testScope } from './test-helpers.js';

// Tiny functions registered under test-only names, so these tests do not depend on the library.
const fns: BuiltinFunction[] = [
  { name: 'tx_twice', category: 'test', kind: 'scalar', nil: 'nil', type: 'scalar', exec: (_c, [a]) => (a as bigint) * 2n },
  { name: 'tx_isnil', category: 'test', kind: 'scalar', nil: 'none', type: 'scalar', exec: (_c, [a]) => a === null || a === undefined },
  { name: 'tx_false', category: 'test', kind: 'scalar', nil: 'false', type: 'scalar', exec: () => true },
  { name: 'tx_zero', category: 'test', kind: 'scalar', nil: 'zero', type: 'scalar', exec: () => 1n },
  { name: 'tx_fail', category: 'test', kind: 'scalar', nil: 'none', type: 'scalar', exec: () => { throw new Error('boom'); } },
  {
    name: 'tx_sum', category: 'test', kind: 'aggregate', nil: 'nil', type: 'aggregate',
    exec: (_c, [xs]) => (xs as unknown[]).reduce((s: bigint, x) => (typeof x === 'bigint' ? s + x : s), 0n),
  },
  { name: 'tx_count', category: 'test', kind: 'aggregate', nil: 'none', type: 'aggregate', exec: (_c, [xs]) => BigInt((xs as unknown[]).length) },
  {
    // lag(x) with eKuiper's convention: (x, validData, partitionKey), state per partition key
    name: 'tx_lag', category: 'test', kind: 'analytic', nil: 'none', type: 'scalar',
    exec: (ctx, a) => {
      const [x, valid, key] = a as [unknown, boolean, string];
      const prev = ctx.state.get(key) ?? null;
      if (valid) ctx.state.put(key, x);
      return prev;
    },
  },
];
for (const f of fns) registerBuiltin(f);

test('a scalar call passes one value per argument', () => {
  assert.equal(evalSql('tx_twice(a + 1)', { a: 2n }), 6n);
});

test('nil policies short-circuit on nil, empty arrays and empty maps', () => {
  assert.equal(evalSql('tx_twice(a)'), null);
  assert.equal(evalSql('tx_twice(a)', { a: [] }), null);
  assert.equal(evalSql('tx_twice(a)', { a: {} }), null);
  assert.equal(evalSql('tx_isnil(a)'), true);
  assert.equal(evalSql('tx_false(a)'), false);
  assert.equal(evalSql('tx_zero(a)'), 0n);
});

test('a function error is reported as call func <name> error', () => {
  assert.equal(evalError('tx_fail(1)'), 'call func tx_fail error: boom');
});

test('an unknown function is refused when compiling', () => {
  assert.throws(() => evalSql('no_such_fn(1)'), /function no_such_fn not found/);
});

test('plugin functions resolve through the scope callback', () => {
  const plugin: FunctionDef = { type: 'scalar', exec: (_c, [a]) => `hi ${String(a)}` };
  const scope = testScope({ resolveFunction: (n): ResolvedFunction | undefined => (n === 'hello' ? plugin : undefined) });
  assert.equal(compileExpr(parseExpression('hello(name)'), scope)(row({ name: 'bob' })), 'hi bob');
});

test('an aggregate call gets its argument as an array over the group', () => {
  const group: EvalRow[] = [row({ a: 1n }), row({ a: 2n }), row({}), row({ a: 4n })];
  const agg = row(group[0]!.data, { group });
  const scope = testScope();
  assert.equal(compileExpr(parseExpression('tx_sum(a)'), scope)(agg), 7n);
  assert.equal(compileExpr(parseExpression('tx_sum(a * 10) + a'), scope)(agg), 71n);
  assert.equal(compileExpr(parseExpression('tx_count(*)'), scope)(agg), 4n);
});

test('an aggregate call without a group treats the row as a group of one', () => {
  assert.equal(evalSql('tx_sum(a)', { a: 5n }), 5n);
});

test('count(*) passes the rows of the group as maps', () => {
  let seen: unknown;
  const spy: FunctionDef = { type: 'aggregate', exec: (_c, [xs]) => { seen = xs; return 0n; } };
  const scope = testScope({ resolveFunction: (n) => (n === 'spy' ? spy : undefined) });
  const group = [row({ a: 1 }), row({ b: 2 })];
  compileExpr(parseExpression('spy(*)'), scope)(row({ a: 1 }, { group }));
  assert.deepEqual(seen, [{ a: 1 }, { b: 2 }]);
});

test('an analytic call keeps state per partition and skips updates when WHEN is false', () => {
  // the parser only allows OVER after analytic names, so the test function stands in for lag
  const lag = fns.find((f) => f.name === 'tx_lag');
  const scope = testScope({ resolveFunction: (n) => (n === 'lag' ? lag : undefined) });
  const f = compileExpr(parseExpression('lag(v) OVER (PARTITION BY dev WHEN v > 0)'), scope);
  const out = [
    f(row({ dev: 'a', v: 1n })),
    f(row({ dev: 'b', v: 10n })),
    f(row({ dev: 'a', v: 2n })),
    f(row({ dev: 'a', v: -5n })), // WHEN false: no update
    f(row({ dev: 'a', v: 3n })),
    f(row({ dev: 'b', v: 11n })),
  ];
  assert.deepEqual(out, [null, null, 1n, 2n, 2n, 10n]);
});

test('analytic arguments arrive as values, validData and the partition key text', () => {
  let seen: unknown[] = [];
  const spy: BuiltinFunction = { name: 'spy', category: 't', kind: 'analytic', nil: 'none', type: 'scalar', exec: (_c, a) => { seen = a; return null; } };
  const scope = testScope({ resolveFunction: (n) => (n === 'latest' ? spy : undefined) });
  compileExpr(parseExpression('latest(a) OVER (PARTITION BY k1, k2)'), scope)(row({ a: 1n, k1: 'x', k2: 2.5 }));
  assert.deepEqual(seen, [1n, true, 'x2.5']);
  compileExpr(parseExpression('latest(a) OVER (WHEN a > 5)'), scope)(row({ a: 1n }));
  assert.deepEqual(seen, [1n, false, 'self']);
  compileExpr(parseExpression('latest(a)'), scope)(row({ a: 1n }));
  assert.deepEqual(seen, [1n, true, 'self']);
});

test('the analytic step computes calls once per row for later reads', () => {
  const stmt = parseSelect('SELECT tx_lag(v) AS p FROM demo WHERE tx_lag(v) > 0');
  const resolve = (n: string) => fns.find((f) => f.name === n);
  const calls = collectAnalyticCalls([...stmt.fields.map((f) => f.expr), stmt.where!], resolve);
  assert.equal(calls.length, 2);
  const scope = testScope({ analytics: new AnalyticKeys() });
  const step = compileAnalyticStep(calls, scope, compileExpr);
  const sel = compileCall(calls[0]!, scope, compileExpr);
  const r1 = row({ v: 1n });
  step(r1);
  const r2 = row({ v: 2n });
  step(r2);
  assert.equal(sel(r1), null);
  assert.equal(sel(r2), 1n);
  assert.equal(sel(r2), 1n, 'reading twice does not advance the state');
});

test('intrinsics read the row, the window and the rule', () => {
  const meta = { topic: 'devices/1', messageId: 7n, nested: { dev: 'd2' } };
  assert.equal(evalSql('meta(topic)', {}, { meta }), 'devices/1');
  assert.equal(evalSql('mqtt(topic)', {}, { meta }), 'devices/1');
  assert.equal(evalSql('mqtt(messageid)', {}, { meta }), 7n);
  assert.equal(evalSql('meta(nested->dev)', {}, { meta }), 'd2');
  assert.deepEqual(evalSql('meta(*)', {}, { meta }), meta);
  assert.equal(evalSql('window_start()', {}), null);
  assert.equal(evalSql('window_start()', {}, { winStart: 1000, winEnd: 2000 }), 1000n);
  assert.equal(evalSql('window_end()', {}, { winStart: 1000, winEnd: 2000 }), 2000n);
  assert.equal(evalSql('event_time()', {}, { ts: 1234 }), 1234n);
  assert.equal(evalSql('event_time()', {}, { ts: 1234, winEnd: 2000 }), 2000n);
  assert.equal(evalSql('rule_id()'), 'rule0');
  assert.equal(evalSql('rule_start()'), 12345n);
  assert.equal(evalSql('tstamp()'), 5000n);
});

test('last hit functions read the hit state that the runtime updates', () => {
  const hits = new HitState();
  const scope = testScope({ hits });
  const f = compileExpr(parseExpression('last_hit_count()'), scope);
  const t = compileExpr(parseExpression('last_hit_time()'), scope);
  assert.equal(f(row({})), 0n);
  hits.onPass(1500);
  assert.equal(f(row({})), 1n);
  assert.equal(t(row({})), 1500n);
  hits.onAggPass(3000);
  assert.equal(compileExpr(parseExpression('last_agg_hit_time()'), scope)(row({})), 3000n);
});

test('isAggregateQuery sees aggregate calls and GROUP BY dimensions', () => {
  const resolve = (n: string) => fns.find((f) => f.name === n);
  assert.equal(isAggregateQuery(parseSelect('SELECT tx_sum(a) + 1 AS s FROM demo'), resolve), true);
  assert.equal(isAggregateQuery(parseSelect('SELECT a FROM demo GROUP BY a, TUMBLINGWINDOW(ss, 1)'), resolve), true);
  assert.equal(isAggregateQuery(parseSelect('SELECT a FROM demo GROUP BY TUMBLINGWINDOW(ss, 1)'), resolve), false);
});
