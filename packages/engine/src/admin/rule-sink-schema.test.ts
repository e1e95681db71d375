import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSinkSchema } from './rule-sink-schema.js';

test('the sink schema lists visible SELECT fields by output name and index, skipping wildcards', () => {
  assert.deepEqual(ruleSinkSchema('SELECT *, a, s.b, c + 1, d AS e, count(*), f + 2 FROM s'), {
    a: { hasIndex: true, index: 0 },
    b: { hasIndex: true, index: 1 },
    kuiper_field_0: { hasIndex: true, index: 2 },
    e: { hasIndex: true, index: 3 },
    count: { hasIndex: true, index: 4 },
    kuiper_field_1: { hasIndex: true, index: 5 },
  });
  assert.deepEqual(ruleSinkSchema('SELECT * FROM s'), {});
});

test('a field name given twice is a plan error', () => {
  assert.throws(() => ruleSinkSchema('SELECT a, b AS a FROM s'), /duplicate field definition a/);
});
