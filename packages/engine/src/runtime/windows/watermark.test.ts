import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalRow } from '../tuple.js';
import { WatermarkOperator } from './watermark.js';

const row = (emitter: string, ts: number): EvalRow => ({ emitter, ts, data: { ts }, meta: {} });

function harness(streams: string[], lateTolerance: number) {
  const log: string[] = [];
  const wm = new WatermarkOperator({
    streams,
    lateTolerance,
    release: (r) => log.push(`${r.emitter}@${r.ts}`),
    watermark: (w) => log.push(`wm ${w}`),
    late: (r, w) => log.push(`late ${r.emitter}@${r.ts} < ${w}`),
  });
  return { wm, log };
}

test('rows are released in event-time order once the watermark passes them', () => {
  const { wm, log } = harness(['a'], 100);
  for (const ts of [1000, 950, 1200, 1120]) wm.add(row('a', ts));
  assert.deepEqual(log, ['wm 900', 'a@950', 'a@1000', 'wm 1100']);
});

test('rows older than the watermark are handed to late, not released', () => {
  const { wm, log } = harness(['a'], 0);
  wm.add(row('a', 1000));
  wm.add(row('a', 999));
  wm.add(row('a', 1000));
  assert.deepEqual(log, ['a@1000', 'wm 1000', 'late a@999 < 1000']);
});

test('with two streams the watermark waits for the slower one', () => {
  const { wm, log } = harness(['a', 'b'], 0);
  wm.add(row('a', 1000));
  wm.add(row('a', 2000));
  assert.deepEqual(log, []);
  wm.add(row('b', 1500));
  assert.deepEqual(log, ['a@1000', 'b@1500', 'wm 1500']);
});

test('a restored watermark keeps its buffer and its streams', () => {
  const { wm } = harness(['a', 'b'], 0);
  wm.add(row('a', 1000));
  const s = structuredClone(wm.snapshot());
  const other = harness(['a', 'b'], 0);
  other.wm.restore(s);
  other.wm.add(row('b', 1200));
  assert.deepEqual(other.log, ['a@1000', 'wm 1000']);
});
