import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../sql/index.js';
import { EvalError } from '../tuple.js';
import { compileCondition, compileExpr } from './compile.js';
import { evalError, evalSql, row, testScope } from './test-helpers.js';

test('int op int stays an int and divides as integers', () => {
  assert.equal(evalSql('7 / 2'), 3n);
  assert.equal(evalSql('-7 / 2'), -3n);
  assert.equal(evalSql('7 % 3'), 1n);
  assert.equal(evalSql('-7 % 3'), -1n);
  assert.equal(evalSql('3 * 4 - 1'), 11n);
});

test('mixed int and float promote to float', () => {
  assert.equal(evalSql('a + 1', { a: 1.5 }), 2.5);
  assert.equal(evalSql('1 + a', { a: 1.5 }), 2.5);
  assert.equal(evalSql('a / 2', { a: 5 }), 2.5);
  assert.equal(evalSql('a % 2', { a: 5.5 }), 1.5);
  assert.equal(typeof evalSql('a * 2', { a: 2.0 }), 'number');
  assert.equal(evalSql('a = 1', { a: 1.0 }), true);
  assert.equal(evalSql('1.0 = 1'), true);
});

test('bitwise operators work on ints and bools only', () => {
  assert.equal(evalSql('6 & 3'), 2n);
  assert.equal(evalSql('6 | 3'), 7n);
  assert.equal(evalSql('6 ^ 3'), 5n);
  assert.equal(evalSql('a & b', { a: true, b: false }), false);
  assert.equal(evalSql('a | b', { a: true, b: false }), true);
  assert.equal(evalSql('a ^ b', { a: true, b: true }), false);
  assert.equal(evalError('a & 1', { a: 1.5 }), 'invalid operation float64(1.5) & float64(1)');
  assert.equal(evalError('3 & a', { a: 2.5 }), 'invalid operation float64(3) & float64(2.5)');
});

test('int64 overflow wraps around', () => {
  assert.equal(evalSql('9223372036854775807 + 1'), -9223372036854775808n);
  assert.equal(evalSql('a * 2', { a: 9223372036854775807n }), -2n);
});

test('division and modulo by zero are errors', () => {
  assert.equal(evalError('1 / 0'), 'divided by zero');
  assert.equal(evalError('a / 0', { a: 1.5 }), 'divided by zero');
  assert.equal(evalError('a % 0.0', { a: 1 }), 'divided by zero');
  assert.equal(evalError('5 % 0'), 'divided by zero');
});

test('type mismatches report eKuiper texts', () => {
  assert.equal(evalError('color > 3', { color: 'red' }), 'invalid operation string(red) > int64(3)');
  assert.equal(evalError('size * 5', { size: 'string' }), 'invalid operation string(string) * int64(5)');
  assert.equal(evalError('a + b', { a: 'x', b: 'y' }), 'invalid operation string(x) + string(y)');
  assert.equal(evalError('a > 1', { a: true }), 'invalid operation bool(true) > int64(1)');
  assert.equal(evalError('a > b', { a: true, b: false }), 'invalid operation bool(true) > bool(false)');
  assert.equal(evalError('a = 1', { a: { x: 1 } }), '= is an invalid operation for map[string]interface {}');
  assert.equal(evalError('a + 1', { a: [1] }), '+ is an invalid operation for []interface {}');
});

test('strings compare byte-wise', () => {
  assert.equal(evalSql('a < b', { a: 'abc', b: 'abd' }), true);
  assert.equal(evalSql('a < b', { a: 'Z', b: 'a' }), true);
  // U+FF21 sorts before U+1F600 in UTF-8 although its UTF-16 unit is larger
  assert.equal(evalSql('a < b', { a: '\uff21', b: '\u{1f600}' }), true);
  assert.equal(evalSql('a >= b', { a: 'b', b: 'b' }), true);
});

test('datetimes compare with the other side cast to a datetime', () => {
  const t = new Date(1700000000000);
  assert.equal(evalSql('t = 1700000000000', { t }), true);
  assert.equal(evalSql('t > 1600000000000.0', { t }), true);
  assert.equal(evalSql('t < "2030-01-01T00:00:00Z"', { t }), true);
  assert.equal(evalSql('t = u', { t, u: new Date(1700000000000) }), true);
  assert.match(evalError('t > true', { t }) ?? '', /^invalid operation time\.Time\(.*\) > bool\(true\)$/);
});

test('nil makes comparisons, logic and bitwise false and arithmetic nil', () => {
  assert.equal(evalSql('a > 1'), false);
  assert.equal(evalSql('a = b'), false);
  assert.equal(evalSql('a != 1'), false);
  assert.equal(evalSql('a & 1'), false);
  assert.equal(evalSql('a + 1'), null);
  assert.equal(evalSql('1 * a'), null);
  assert.equal(evalSql('a / 0'), null);
  assert.equal(evalSql('a AND true'), false);
  assert.equal(evalSql('true AND a'), false);
  assert.equal(evalSql('a OR true'), false);
});

test('false AND x and true OR x short-circuit before the nil rule and errors', () => {
  assert.equal(evalSql('false AND a'), false);
  assert.equal(evalSql('true OR a'), true);
  assert.equal(evalSql('b > 1 AND a > 1', { b: 0, a: 'x' }), false);
  assert.equal(evalSql('b > 1 OR a > 1', { b: 2, a: 'x' }), true);
  assert.equal(evalError('true AND a > 1', { a: 'x' }), 'invalid operation string(x) > int64(1)');
  assert.equal(evalError('true AND 1'), 'invalid operation bool(true) AND int64(1)');
});

test('precedence follows eKuiper: * before +, comparisons before AND before OR', () => {
  assert.equal(evalSql('1 + 2 * 3'), 7n);
  assert.equal(evalSql('(1 + 2) * 3'), 9n);
  assert.equal(evalSql('10 - 4 - 3'), 3n);
  assert.equal(evalSql('abc*2+3 > 12 AND abc < 20', { abc: 6 }), true);
  assert.equal(evalSql('true OR false AND false'), true);
  assert.equal(evalSql('1 + 1 = 2'), true);
  assert.equal(evalSql('6 & 3 + 1'), 3n); // & binds tighter than +
});

test('a float field compared with an integer literal uses the fast path for both number kinds', () => {
  const f = compileExpr(parseExpression('temperature > 50'), testScope());
  assert.equal(f(row({ temperature: 50.5 })), true);
  assert.equal(f(row({ temperature: 49.5 })), false);
  assert.equal(f(row({ temperature: 51n })), true);
  assert.equal(f(row({})), false);
  assert.throws(() => f(row({ temperature: 'hot' })), /invalid operation string\(hot\) > int64\(50\)/);
});

test('IN and NOT IN use = semantics and handle nil', () => {
  assert.equal(evalSql('a IN (1, 2, 3)', { a: 2.0 }), true);
  assert.equal(evalSql('a IN (1, 2, 3)', { a: 4 }), false);
  assert.equal(evalSql('a NOT IN (1, 2, 3)', { a: 4 }), true);
  assert.equal(evalSql('a IN ("x", "y")', { a: 'y' }), true);
  assert.equal(evalSql('a IN (1, 2)'), false);
  assert.equal(evalSql('a NOT IN (1, 2)'), false);
  assert.equal(evalSql('a IN arr', { a: 2, arr: [1n, 2n] }), true);
  assert.equal(evalSql('a IN arr', { a: 2 }), false);
  assert.equal(evalSql('a NOT IN arr', { a: 2 }), true);
  assert.equal(evalSql('a NOT IN arr', { a: 3, arr: [1, 2] }), true);
  assert.equal(evalError('a IN (1, 2)', { a: 'x' }), 'evaluate in expression error: invalid operation string(x) = int64(1)');
});

test('BETWEEN is inclusive and nil gives false for both forms', () => {
  assert.equal(evalSql('a BETWEEN 1 AND 3', { a: 1 }), true);
  assert.equal(evalSql('a BETWEEN 1 AND 3', { a: 3.0 }), true);
  assert.equal(evalSql('a BETWEEN 1 AND 3', { a: 3.5 }), false);
  assert.equal(evalSql('a NOT BETWEEN 1 AND 3', { a: 4 }), true);
  assert.equal(evalSql('a NOT BETWEEN 1 AND 3', { a: 2 }), false);
  assert.equal(evalSql('a BETWEEN 1 AND 3'), false);
  assert.equal(evalSql('a NOT BETWEEN 1 AND 3'), false);
  assert.equal(evalSql('a NOT BETWEEN 1 AND b', { a: 5 }), false);
  assert.equal(evalSql('a BETWEEN "a" AND "c"', { a: 'b' }), true);
  assert.equal(evalError('a BETWEEN 1 AND 3', { a: 'x' }), 'between operator cannot compare string(x) and int64(1)');
});

test('LIKE matches anchored, case-sensitive patterns with eKuiper escapes', () => {
  assert.equal(evalSql('a LIKE "str%"', { a: 'string1' }), true);
  assert.equal(evalSql('a LIKE "string"', { a: 'string1' }), false);
  assert.equal(evalSql('a LIKE "STR%"', { a: 'string1' }), false);
  assert.equal(evalSql('b LIKE "an_ther"', { b: 'another' }), true);
  assert.equal(evalSql('a NOT LIKE "string1"', { a: 'string2' }), true);
  // eKuiper: `\_` matches a backslash followed by `_`
  assert.equal(evalSql('a LIKE "str\\\\_ng"', { a: 'str\\_ng' }), true);
  assert.equal(evalSql('a LIKE "str\\\\_ng"', { a: 'str_ng' }), false);
  assert.equal(evalSql('a LIKE b', { a: 'str_ng', b: 'str_ng' }), true);
  assert.equal(evalError('b LIKE "x%"', { b: 12 }), 'LIKE operator left operand expects string, but found 12');
  assert.equal(evalError('a LIKE b', { a: 'x', b: 12 }), 'invalid LIKE pattern, must be a string but got 12');
});

test('CASE in simple and searched forms', () => {
  assert.equal(evalSql('CASE a WHEN 10 THEN "ten" WHEN 20 THEN "twenty" END', { a: 10 }), 'ten');
  assert.equal(evalSql('CASE a WHEN 10 THEN "ten" ELSE "other" END', { a: 11 }), 'other');
  assert.equal(evalSql('CASE a WHEN 10 THEN "ten" END', { a: 11 }), null);
  assert.equal(evalSql('CASE WHEN a > 5 THEN "big" WHEN a > 1 THEN "mid" ELSE "small" END', { a: 3 }), 'mid');
  assert.equal(evalSql('CASE WHEN a > 5 THEN "big" END', {}), null);
  assert.equal(evalError('CASE a WHEN 10 THEN "ten" END', { a: 'x' }), 'evaluate case expression error: invalid operation string(x) = int64(10)');
});

test('nested access: arrows, indexes and slices', () => {
  const data = { a: { b: 'hello', c: { d: 35.2 } }, arr: [{ b: 'h1' }, { b: 'h2' }, { b: 'h3' }], n: [1, 2, 3, 4, 5] };
  assert.equal(evalSql('a->b', data), 'hello');
  assert.equal(evalSql('a->c->d', data), 35.2);
  assert.equal(evalSql('a->x->d', data), null);
  assert.equal(evalSql('a.b', data), 'hello');
  assert.equal(evalSql('arr[0]->b', data), 'h1');
  assert.equal(evalSql('arr[-1]->b', data), 'h3');
  assert.deepEqual(evalSql('n[1:3]', data), [2, 3]);
  assert.deepEqual(evalSql('n[3:]', data), [4, 5]);
  assert.deepEqual(evalSql('n[:2]', data), [1, 2]);
  assert.deepEqual(evalSql('n[-2:]', data), [4, 5]);
  assert.equal(evalSql('missing[0]', data), null);
  assert.equal(evalSql('missing->x', data), null);
  assert.equal(evalSql('arr[n[0] + 1]->b', data), 'h3');
  assert.equal(evalError('n[5]', data), 'out of index: 5 of 5');
  assert.equal(evalError('n[-6]', data), 'out of index: -6 of 5');
  assert.equal(evalError('n[5:]', data), 'start value is out of index: 5 of 5');
  assert.equal(evalError('n[1:6]', data), 'end value is out of index: 6 of 5');
  assert.equal(evalError('n[3:3]', data), 'start cannot be greater than end. start:3  end:3');
  assert.equal(evalError('n->x', data), 'the result [1 2 3 4 5] is not a type of map[string]interface{}');
  assert.equal(evalError('a[0]', data), '[] is an invalid operation for map[string]interface {}');
});

test('compileCondition treats nil as false and rejects non-bool values', () => {
  const c = compileCondition(parseExpression('a'), testScope());
  assert.equal(c(row({ a: true })), true);
  assert.equal(c(row({ a: false })), false);
  assert.equal(c(row({})), false);
  assert.throws(() => c(row({ a: 3n })), (e: unknown) => e instanceof EvalError && e.message === 'invalid condition that returns non-bool value int64(3)');
});

test('a qualified column reads the source; an unknown qualifier is JSON access', () => {
  const scope = testScope({ sources: [{ name: 'demo', alias: 'd' }] });
  const f = (sql: string) => compileExpr(parseExpression(sql), scope)(row({ x: 1n, m: { x: 2n } }));
  assert.equal(f('demo.x'), 1n);
  assert.equal(f('d.x'), 1n);
  assert.equal(f('m.x'), 2n);
});

test('joins read the parts: qualified, schema-declared, then first source that has the key', () => {
  const scope = testScope({
    sources: [
      { name: 's1', fields: [{ name: 'id', fieldType: { type: 'bigint' } }] },
      { name: 's2', alias: 'b', fields: null },
    ],
  });
  const r = row({}, {
    parts: {
      s1: { emitter: 's1', data: { id: 1n, v: 'left' }, meta: { topic: 't1' }, ts: 0 },
      s2: { emitter: 's2', data: { id: 2n, v: 'right', only: true }, meta: { topic: 't2' }, ts: 0 },
    },
  });
  const f = (sql: string) => compileExpr(parseExpression(sql), scope)(r);
  assert.equal(f('id'), 1n);
  assert.equal(f('s2.id'), 2n);
  assert.equal(f('b.v'), 'right');
  assert.equal(f('only'), true);
  assert.equal(f('v'), 'left');
  assert.equal(f('nothing'), null);
  assert.equal(f('meta(s2.topic)'), 't2');
  assert.equal(f('meta(topic)'), 't1');
});

test('ignoreCase falls back to a case-insensitive lookup', () => {
  assert.equal(evalSql('A', { a: 'x' }), undefined);
  assert.equal(evalSql('A', { a: 'x' }, {}, testScope({ ignoreCase: true })), 'x');
});

test('inherited object members are never read as fields', () => {
  assert.equal(evalSql('toString', {}), undefined);
  assert.equal(evalSql('a->constructor', { a: {} }), undefined);
});

test('a non-integer index is an error naming the index expression', () => {
  assert.equal(evalError('n[i]', { n: [1], i: 'x' }), 'index demo.i is not int: cannot convert string(x) to int');
  assert.equal(evalSql('n[i]', { n: [1, 2], i: 1.0 }), 2);
});

test('LIKE keeps other regex metacharacters and rejects a broken pattern', () => {
  assert.equal(evalSql('a LIKE "a.c"', { a: 'abc' }), true);
  assert.throws(() => evalSql('a LIKE "a(%"', { a: 'a(' }), /error parsing regexp/);
  assert.equal(evalError('a LIKE b', { a: 'x', b: 'a(' })?.startsWith('error parsing regexp'), true);
});
