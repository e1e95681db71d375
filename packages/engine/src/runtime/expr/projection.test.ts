import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '@oort/sdk';
import { parseSelect } from '../../sql/index.js';
import { registerBuiltin } from '../../functions/registry.js';
import type { EvalRow } from '../tuple.js';
import { compileCondition } from './compile.js';
import { compileProjection, withSelectAliases } from './projection.js';
import { compileSorter } from './sort.js';
import { row, testScope } from './test-helpers.js';
import type { CompileScope } from './scope.js';

registerBuiltin({ name: 'px_abs', category: 'test', kind: 'scalar', nil: 'nil', type: 'scalar', exec: (_c, [a]) => (typeof a === 'bigint' ? (a < 0n ? -a : a) : Math.abs(a as number)) });
registerBuiltin({ name: 'px_fail', category: 'test', kind: 'scalar', nil: 'none', type: 'scalar', exec: () => { throw new Error('bad'); } });
registerBuiltin({ name: 'px_sum', category: 'test', kind: 'aggregate', nil: 'nil', type: 'aggregate', exec: (_c, [xs]) => (xs as unknown[]).reduce((s: bigint, x) => s + (x as bigint), 0n) });

function project(sql: string, data: Row, opts = { sendNilField: false }, extra: Partial<EvalRow> = {}, scope?: CompileScope): Row {
  const stmt = parseSelect(sql);
  const s = scope ?? testScope({ sources: [{ name: stmt.from.name, alias: stmt.from.alias }] });
  return compileProjection(stmt.fields, s, opts)(row(data, extra));
}

test('plain columns, literals and unnamed expressions get eKuiper names', () => {
  assert.deepEqual(project('SELECT a, "value" AS b, 3.14 AS Pi, 0 AS Zero FROM test', { a: 'val_a' }), { a: 'val_a', b: 'value', Pi: 3.14, Zero: 0n });
  assert.deepEqual(project('SELECT "value" FROM test', {}), { kuiper_field_0: 'value' });
  assert.deepEqual(project('SELECT px_abs(f1) FROM test', { f1: -12n }), { px_abs: 12n });
});

test('nil values are left out unless sendNilField', () => {
  assert.deepEqual(project('SELECT b FROM test', { a: 1 }), {});
  assert.deepEqual(project('SELECT b FROM test', { a: 1 }, { sendNilField: true }), { b: null });
  assert.deepEqual(project('SELECT a->c->d AS f1 FROM test', { a: { c: {} } }, { sendNilField: true }), { f1: null });
});

test('aliases are usable by later fields and shadow the column only outside their own field', () => {
  assert.deepEqual(project('SELECT a + 1 AS s1, s1 + 1 AS s2 FROM test', { a: 1n }), { s1: 2n, s2: 3n });
  assert.deepEqual(project('SELECT px_abs(a) AS a, a * 10 AS b FROM test', { a: -2n }), { a: 2n, b: 20n });
  assert.deepEqual(project('SELECT s2 * 2 AS s3, a + 1 AS s2 FROM test', { a: 1n }), { s3: 4n, s2: 2n });
});

test('cyclic aliases are refused', () => {
  assert.throws(() => project('SELECT b + 1 AS a, a + 1 AS b FROM test', {}), /cyclic alias/);
});

test('INVISIBLE fields are computed for others but not emitted', () => {
  assert.deepEqual(project('SELECT a, a + b + c AS sum INVISIBLE, b INVISIBLE FROM test', { a: 1n, b: 2n, c: 3n }), { a: 1n });
  assert.deepEqual(project('SELECT a * 2 AS d INVISIBLE, d + 1 AS e FROM test', { a: 1n }), { e: 3n });
});

test('wildcards with EXCEPT and REPLACE', () => {
  const data = { a: { b: 'test' }, b: 'b', c: 1n };
  assert.deepEqual(project('SELECT * FROM test', data), data);
  assert.deepEqual(project('SELECT * EXCEPT(a, b) FROM test', data), { c: 1n });
  assert.deepEqual(project('SELECT * REPLACE(a->b AS a) FROM test', data), { a: 'test', b: 'b', c: 1n });
  assert.deepEqual(project('SELECT * EXCEPT(c) REPLACE("test" AS b, a->b AS a) FROM test', data), { a: 'test', b: 'test' });
  assert.deepEqual(project('SELECT a->b AS ab, *, px_abs(c) FROM test', data), { ab: 'test', a: { b: 'test' }, b: 'b', c: 1n, px_abs: 1n });
});

test('fields override wildcard columns and a nil field does not erase them', () => {
  assert.deepEqual(project('SELECT *, a + 1 AS a FROM test', { a: 1n, b: 2n }), { a: 2n, b: 2n });
  assert.deepEqual(project('SELECT *, x AS a FROM test', { a: 1n }), { a: 1n });
});

test('join wildcards: the earlier source wins a name clash, s.* picks one source', () => {
  const scope = testScope({ sources: [{ name: 's1' }, { name: 's2' }] });
  const extra = {
    parts: {
      s1: { emitter: 's1', data: { id: 1n, a: 'left' }, meta: {}, ts: 0 },
      s2: { emitter: 's2', data: { id: 2n, b: 'right' }, meta: {}, ts: 0 },
    },
  };
  const p = (sql: string) => project(sql, {}, { sendNilField: false }, extra, scope);
  assert.deepEqual(p('SELECT * FROM s1 INNER JOIN s2 ON s1.id = s2.id'), { id: 1n, a: 'left', b: 'right' });
  assert.deepEqual(p('SELECT s2.* FROM s1 INNER JOIN s2 ON s1.id = s2.id'), { id: 2n, b: 'right' });
  assert.deepEqual(p('SELECT s1.id AS l, s2.id AS r FROM s1 INNER JOIN s2 ON s1.id = s2.id'), { l: 1n, r: 2n });
});

test('an error names the field the way eKuiper does', () => {
  assert.throws(() => project('SELECT size * 5 AS c FROM ldemo', { size: 'string' }), {
    message: 'alias: c expr: binaryExpr:{ ldemo.size * 5 } meet error, err:invalid operation string(string) * int64(5)',
  });
  assert.throws(() => project('SELECT px_fail(a) FROM test', { a: 1 }), {
    message: 'alias: px_fail expr: Call:{ name:px_fail, args:[test.a] } meet error, err:call func px_fail error: bad',
  });
  assert.throws(() => project('SELECT a + "x" FROM test', { a: 1n }), / expr: binaryExpr:\{ test\.a \+ x \} meet error, err:invalid operation int64\(1\) \+ string\(x\)$/);
});

test('aggregate projection takes non-aggregated columns from the first row of the group', () => {
  const group = [row({ k: 'x', v: 1n }), row({ k: 'y', v: 2n })];
  assert.deepEqual(project('SELECT k, px_sum(v) AS total FROM test', group[0]!.data, { sendNilField: false }, { group }), { k: 'x', total: 3n });
});

test('WHERE sees SELECT aliases through withSelectAliases', () => {
  const stmt = parseSelect('SELECT a * 2 AS d FROM test WHERE d > 5');
  const scope = withSelectAliases(testScope({ sources: [{ name: 'test' }] }), stmt.fields);
  const where = compileCondition(stmt.where!, scope);
  assert.equal(where(row({ a: 3n })), true);
  assert.equal(where(row({ a: 2n })), false);
});

test('the projection leaves the row aliases as it found them', () => {
  const stmt = parseSelect('SELECT a + 1 AS b FROM test');
  const p = compileProjection(stmt.fields, testScope(), { sendNilField: false });
  const r = row({ a: 1n });
  p(r);
  assert.equal(r.aliases, undefined);
});

test('ORDER BY sorts nil last in both directions', () => {
  const rows = [row({ a: 2n }), row({}), row({ a: 1.5 }), row({ a: 3n })];
  const asc = compileSorter(parseSelect('SELECT a FROM t ORDER BY a').orderBy, testScope())([...rows]);
  assert.deepEqual(asc.map((r) => r.data.a), [1.5, 2n, 3n, undefined]);
  const desc = compileSorter(parseSelect('SELECT a FROM t ORDER BY a DESC').orderBy, testScope())([...rows]);
  assert.deepEqual(desc.map((r) => r.data.a), [3n, 2n, 1.5, undefined]);
});

test('ORDER BY by several keys and by an alias', () => {
  const stmt = parseSelect('SELECT a, b * -1 AS nb FROM t ORDER BY a, nb DESC');
  const scope = withSelectAliases(testScope(), stmt.fields);
  const rows = [row({ a: 1n, b: 1n }), row({ a: 0n, b: 5n }), row({ a: 1n, b: 3n })];
  const sorted = compileSorter(stmt.orderBy, scope)(rows);
  assert.deepEqual(sorted.map((r) => r.data.b), [5n, 1n, 3n]);
});

test('ORDER BY over incompatible types is an error', () => {
  const sorter = compileSorter(parseSelect('SELECT a FROM t ORDER BY size').orderBy, testScope());
  assert.throws(() => sorter([row({ size: 3n }), row({ size: 'string' })]), { message: 'incompatible types for comparison: int and string' });
});

test('a multi-column call spreads its map result into columns, with * expanded', () => {
  let seen: unknown[] = [];
  registerBuiltin({
    name: 'px_cols', category: 'test', kind: 'multicol', nil: 'none', type: 'scalar',
    exec: (_c, a) => {
      seen = a;
      const keys = a[a.length - 1] as string[];
      const out: Row = {};
      for (let i = 1; i < a.length - 1; i++) out[String(a[0]) + keys[i]] = a[i];
      return out;
    },
  });
  assert.deepEqual(project('SELECT px_cols("c_", a, b) FROM test', { a: 1n, b: 2n }), { c_a: 1n, c_b: 2n });
  assert.deepEqual(seen, ['c_', 1n, 2n, ['', 'a', 'b']]);
  assert.deepEqual(project('SELECT px_cols("x_", *) FROM test', { a: 1n, b: 'z' }), { x_a: 1n, x_b: 'z' });
});

test('row_number numbers a collection per partition, ordered by OVER ORDER BY', async () => {
  const { compileWindowFunctionStep, findWindowFunctionCall } = await import('./window-functions.js');
  registerBuiltin({ name: 'row_number', category: 'window', kind: 'window', nil: 'none', type: 'scalar', exec: () => null });
  const stmt = parseSelect('SELECT color, row_number() OVER (PARTITION BY color ORDER BY size DESC) AS n FROM demo');
  const scope = testScope();
  const step = compileWindowFunctionStep(findWindowFunctionCall(stmt.fields)!, scope);
  const project = compileProjection(stmt.fields, scope, { sendNilField: false });
  const rows = [row({ color: 'red', size: 1n }), row({ color: 'blue', size: 5n }), row({ color: 'red', size: 3n })];
  assert.deepEqual(step(rows).map(project), [
    { color: 'blue', n: 1n },
    { color: 'red', n: 1n },
    { color: 'red', n: 2n },
  ]);
  assert.deepEqual(project(row({ color: 'x' })), { color: 'x', n: 1n }, 'a single row is number 1');
});
