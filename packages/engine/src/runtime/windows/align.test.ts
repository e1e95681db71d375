import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedWindowEnd } from './align.js';

const at = (iso: string): number => Date.parse(iso);

test('second windows align to multiples of the length within the minute', () => {
  assert.equal(alignedWindowEnd(at('2024-01-01T10:00:46.013Z'), 5, 'SS'), at('2024-01-01T10:00:50Z'));
  assert.equal(alignedWindowEnd(at('2024-01-01T10:00:46.013Z'), 1, 'SS'), at('2024-01-01T10:00:47Z'));
  assert.equal(alignedWindowEnd(at('2024-01-01T10:00:58.500Z'), 7, 'SS'), at('2024-01-01T10:01:03Z'));
});

test('a current unit value equal to the length gives the truncated time, as eKuiper does', () => {
  assert.equal(alignedWindowEnd(at('2024-01-01T10:00:05.300Z'), 5, 'SS'), at('2024-01-01T10:00:05Z'));
});

test('below the length the first boundary is the length itself', () => {
  assert.equal(alignedWindowEnd(at('2024-01-01T10:00:03.300Z'), 10, 'SS'), at('2024-01-01T10:00:10Z'));
});

test('minute, hour, millisecond and day windows align in their enclosing unit', () => {
  assert.equal(alignedWindowEnd(at('2024-01-01T10:17:03Z'), 15, 'MI'), at('2024-01-01T10:30:00Z'));
  assert.equal(alignedWindowEnd(at('2024-01-01T10:17:03Z'), 4, 'HH'), at('2024-01-01T12:00:00Z'));
  assert.equal(alignedWindowEnd(at('2024-01-01T10:17:03.123Z'), 100, 'MS'), at('2024-01-01T10:17:03.200Z'));
  assert.equal(alignedWindowEnd(at('2024-01-01T10:17:03Z'), 1, 'DD'), at('2024-01-02T00:00:00Z'));
});
