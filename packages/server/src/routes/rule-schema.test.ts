import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectFieldNames } from './select-fields.js';
import { openTestApp } from './test-app.js';

test('GET /rules/{id}/schema lists the output columns with their index, as eKuiper', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  await h.app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM sch (a BIGINT, b STRING) WITH (DATASOURCE="sch", TYPE="memory", FORMAT="json")' } });
  await h.app.inject({ method: 'POST', url: '/rules', payload: { id: 'r1', sql: 'SELECT a, b AS name, a + 1, upper(b) FROM sch', actions: [{ nop: {} }], triggered: false } });
  const res = await h.app.inject({ method: 'GET', url: '/rules/r1/schema' });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    a: { hasIndex: true, index: 0 },
    name: { hasIndex: true, index: 1 },
    kuiper_field_0: { hasIndex: true, index: 2 },
    upper: { hasIndex: true, index: 3 },
  });

  await h.app.inject({ method: 'POST', url: '/rules', payload: { id: 'r2', sql: 'SELECT * FROM sch', actions: [{ nop: {} }], triggered: false } });
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/rules/r2/schema' })).json(), {});

  const missing = await h.app.inject({ method: 'GET', url: '/rules/nope/schema' });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().message, /^get rule schema error: /);
});

test('GET /rules/usage/cpu answers that CPU accounting is not enabled', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'GET', url: '/rules/usage/cpu' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, 'cpu usage not enabled');
});

test('SELECT field names from text follow the parser: alias, column, function, kuiper_field_n, wildcard', () => {
  assert.deepEqual(
    selectFieldNames("select *, s.a, `b c`, x + 1, f(g(1), ',') , h(1) + 2 AS hh, 'from' AS k, d INVISIBLE, [1,2] FROM s WHERE a > 1")
      .map((f) => (f.invisible ? `(${f.name})` : f.name)),
    ['*', 'a', 'b c', 'kuiper_field_0', 'f', 'hh', 'k', '(d)', 'kuiper_field_1'],
  );
  assert.deepEqual(selectFieldNames('SELECT\n  a\nFROM s').map((f) => f.name), ['a']);
});
