import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '@oort/sdk';
import { getBuiltin } from '../../functions/registry.js';
import { windowStageForTest, type WindowTestEvent } from './window-test-support.js';
import { parseSelect } from '../../sql/parser.js';
import { planIncrementalAgg } from './incremental-agg.js';

type Ev = WindowTestEvent;

const ROWS = { planOptimizeStrategy: { enableIncrementalWindow: false } };

const instance = windowStageForTest;

function run(sql: string, evs: Ev[], until: number, options: Record<string, unknown>): { out: Row[][]; kind: unknown } {
  const i = instance(sql, options, evs[0]?.t ?? 0);
  i.p.start();
  i.feed(evs);
  i.clock.advanceTo(until);
  return { out: i.out, kind: (i.p.snapshot().window as { kind?: unknown } | undefined)?.kind };
}

/** The incremental path is taken and emits exactly what the row-keeping path emits. */
function same(sql: string, evs: Ev[], until: number, options: Record<string, unknown> = {}): Row[][] {
  const inc = run(sql, evs, until, options);
  const rows = run(sql, evs, until, { ...options, ...ROWS });
  assert.equal(inc.kind, 'time-incremental');
  assert.notEqual(rows.kind, 'time-incremental');
  assert.deepEqual(inc.out, rows.out);
  assert.ok(rows.out.length > 0);
  return inc.out;
}

const devices = (n: number, start: number, step: number, value: (i: number) => unknown): Ev[] =>
  Array.from({ length: n }, (_, i) => ({ t: start + i * step, data: { id: `d${i % 3}`, v: value(i) } }));

test('count, sum, avg, min and max per group equal the row-keeping results for integers', () => {
  const out = same('SELECT id, count(*), count(v) AS cv, sum(v) AS s, avg(v) AS a, min(v) AS lo, max(v) AS hi FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)',
    devices(40, 1000, 97, (i) => BigInt(i * 7 % 11)), 6000);
  assert.equal(typeof out[0]![0]!.a, 'bigint'); // avg of integers is integer division
});

test('floats are aggregated like the row-keeping path', () => {
  same('SELECT id, sum(v) AS s, avg(v) AS a, min(v) AS lo, max(v) AS hi FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 2)',
    devices(40, 1000, 97, (i) => i * 0.1 + 0.05), 8000);
});

test('integers after a first float fail the window with the same function error', () => {
  const sql = 'SELECT id, sum(v) AS s, max(v) AS hi FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 2)';
  const evs = devices(40, 1000, 97, (i) => (i % 4 === 0 ? BigInt(i) : i * 0.1 + 0.05));
  const inc = run(sql, evs, 8000, { sendError: true });
  const rows = run(sql, evs, 8000, { sendError: true, ...ROWS });
  assert.equal(inc.out.length, rows.out.length);
  // known gap: without eKuiper's "alias: s expr: ..." part of the text
  inc.out.forEach((o, i) => assert.ok(String(rows.out[i]![0]!.error).endsWith(String(o[0]!.error).replace('run Select error: ', '')), String(o[0]!.error)));
  // an integer first: later floats are converted (max), as in the row-keeping path
  same('SELECT id, max(v) AS hi, min(v) AS lo, avg(v) AS a FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 2)',
    devices(40, 1000, 97, (i) => ((1000 + i * 97) % 2000 >= 1000 ? i * 0.1 + 0.05 : BigInt(i))), 8000, { sendError: true });
});

test('nil values are ignored and an all-nil group gives nil aggregates and a zero count', () => {
  same('SELECT id, count(v) AS c, count(*) AS n, sum(v) AS s, avg(v) AS a, max(v) AS hi FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)',
    devices(30, 1000, 130, (i) => (i % 3 === 0 ? null : i % 5 === 0 ? undefined : BigInt(i))), 6000);
  same('SELECT id, count(v) AS c, sum(v) AS s FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)', devices(9, 1000, 50, () => null), 3000, { sendNilField: true });
});

test('strings take min and max; sum of strings fails the same window', () => {
  same('SELECT id, min(v) AS lo, max(v) AS hi FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)', devices(20, 1000, 90, (i) => `s${i % 7}`), 4000);
});

test('windows without dimensions emit one row, also for an empty window', () => {
  same('SELECT count(*) AS n, sum(v) AS s, window_start() AS ws, window_end() AS we FROM demo GROUP BY TUMBLINGWINDOW(ss, 1)',
    [...devices(5, 1000, 100, (i) => BigInt(i)), ...devices(5, 4500, 100, (i) => BigInt(i))], 8000);
});

test('HAVING, ORDER BY and LIMIT see the same aggregates', () => {
  same('SELECT id, count(*) AS c, avg(v) AS a FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 10) HAVING count(*) > 3 AND avg(v) > 2 ORDER BY a DESC, id LIMIT 2',
    devices(60, 1000, 310, (i) => BigInt(i % 9)), 30000);
  same('SELECT id, max(v) - min(v) AS spread, sum(v) + 1 AS s1 FROM demo WHERE v > 2 GROUP BY id, TUMBLINGWINDOW(ss, 5) ORDER BY spread',
    devices(60, 1000, 170, (i) => (i % 9) * 1.5), 20000);
});

test('event-time tumbling windows give the same results, with out-of-order rows', () => {
  const evs: Ev[] = [];
  for (let i = 0; i < 50; i++) {
    const ts = 10_000 + i * 230 + (i % 4 === 1 ? -400 : 0);
    evs.push({ t: 1000 + i * 10, data: { id: `d${i % 4}`, v: BigInt(i), ts } });
  }
  same('SELECT id, count(*) AS c, sum(v) AS s, window_start() AS ws, window_end() AS we FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)', evs, 5000,
    { isEventTime: true, lateTolerance: 500 });
  same('SELECT count(*) AS c, avg(v) AS a FROM demo GROUP BY TUMBLINGWINDOW(ss, 2)', evs, 5000, { isEventTime: true, lateTolerance: 1000 });
});

test('a snapshot taken mid-window restores into the same results', () => {
  const sql = 'SELECT id, count(*) AS c, sum(v) AS s, avg(v) AS a, min(v) AS lo FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 2)';
  const evs = devices(40, 1000, 97, (i) => (i % 5 === 0 ? null : i % 2 ? BigInt(i) : i + 0.5));
  const whole = run(sql, evs, 8000, {});
  const first = instance(sql, {}, 1000);
  first.p.start();
  first.feed(evs.slice(0, 17));
  const state = structuredClone(first.p.snapshot());
  assert.equal((state.window as { kind: string }).kind, 'time-incremental');
  first.p.stop();
  const second = instance(sql, {}, first.clock.now());
  second.p.restore(state);
  second.p.start();
  second.feed(evs.slice(17));
  second.clock.advanceTo(8000);
  assert.deepEqual([...first.out, ...second.out], whole.out);
});

test('a checkpoint of the row-keeping window restores into an incremental one', () => {
  const sql = 'SELECT id, count(*) AS c, sum(v) AS s FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 2)';
  const evs = devices(40, 1000, 97, (i) => BigInt(i));
  const whole = run(sql, evs, 8000, {});
  const first = instance(sql, ROWS, 1000);
  first.p.start();
  first.feed(evs.slice(0, 23));
  const state = structuredClone(first.p.snapshot());
  first.p.stop();
  const second = instance(sql, {}, first.clock.now());
  second.p.restore(state);
  second.p.start();
  second.feed(evs.slice(23));
  second.clock.advanceTo(8000);
  assert.deepEqual([...first.out, ...second.out], whole.out);
});

test('queries that need the rows do not take the incremental path', () => {
  const plan = (sql: string, whereBefore = true) => planIncrementalAgg({ stmt: parseSelect(sql), resolve: getBuiltin, whereBefore, hasTables: false, enabled: true });
  assert.ok(plan('SELECT id, count(*) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'));
  assert.equal(plan('SELECT id, collect(v) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'), undefined);
  assert.equal(plan('SELECT *, count(*) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'), undefined);
  assert.equal(plan('SELECT id, count(*) FROM demo GROUP BY id, HOPPINGWINDOW(ss, 2, 1)'), undefined);
  assert.equal(plan('SELECT id, sum(v * 2) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'), undefined);
  assert.equal(plan('SELECT id, abs(sum(v)) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'), undefined);
  assert.equal(plan('SELECT id, count(*) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 7)'), undefined); // ends not on a fixed grid
  assert.equal(plan('SELECT id, count(*) FROM demo WHERE v > 1 GROUP BY id, TUMBLINGWINDOW(ss, 1)', false), undefined);
  assert.equal(plan('SELECT id, count(*) FROM demo GROUP BY id, TUMBLINGWINDOW(ss, 1)'.replace('count(*)', 'count(*), meta(topic)')), undefined);
});
