import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowStageForTest, type WindowTestEvent } from './window-test-support.js';

type Ev = WindowTestEvent;

const instance = windowStageForTest;

/**
 * Runs the events through one instance; separately runs the first `cut` events, snapshots,
 * restores into a fresh instance (through structuredClone, so the state is serialisable)
 * and runs the rest there. Both must emit the same.
 */
function checkRestore(sql: string, evs: Ev[], cut: number, until: number, options: Record<string, unknown> = {}): void {
  const start = evs[0]!.t;
  const whole = instance(sql, options, start);
  whole.p.start();
  whole.feed(evs);
  whole.clock.advanceTo(until);

  const first = instance(sql, options, start);
  first.p.start();
  first.feed(evs.slice(0, cut));
  const state = structuredClone(first.p.snapshot());
  first.p.stop();
  const resumeAt = first.clock.now();
  const second = instance(sql, options, resumeAt);
  second.p.restore(state);
  second.p.start();
  second.feed(evs.slice(cut));
  second.clock.advanceTo(until);

  assert.ok(whole.out.length > 0, 'the scenario emits something');
  assert.deepEqual([...first.out, ...second.out], whole.out);
}

const rows = (ts: number[]): Ev[] => ts.map((t, i) => ({ t, data: { n: BigInt(i + 1), ts: BigInt(t + 5000), dev: i % 2 ? 'a' : 'b' } }));

test('a count window restored from a snapshot mid-window emits what an uninterrupted one does', () => {
  checkRestore('SELECT collect(n) AS ns FROM demo GROUP BY COUNTWINDOW(3, 2)', rows([1, 2, 3, 4, 5, 6, 7, 8]), 4, 10);
});

test('a processing-time tumbling window restored mid-window keeps its buffered rows', () => {
  checkRestore('SELECT collect(n) AS ns, window_end() AS we FROM demo GROUP BY TUMBLINGWINDOW(ss, 1)', rows([60_100, 60_400, 61_200, 61_300, 62_500]), 3, 63_000);
});

test('a processing-time hopping window restored mid-window keeps overlapping rows', () => {
  checkRestore('SELECT count(*) AS c FROM demo GROUP BY HOPPINGWINDOW(ss, 2, 1)', rows([60_100, 60_400, 61_200, 61_300, 62_500]), 3, 64_000);
});

test('a sliding window with a pending delayed trigger survives a restore', () => {
  checkRestore('SELECT collect(n) AS ns FROM demo GROUP BY SLIDINGWINDOW(ss, 2, 1)', rows([1000, 1500, 1900, 2300]), 2, 5000);
});

test('a session window restored mid-session closes as the uninterrupted one', () => {
  checkRestore('SELECT collect(n) AS ns, window_start() AS ws FROM demo GROUP BY SESSIONWINDOW(ss, 10, 1)', rows([60_100, 60_400, 60_900, 62_500, 62_700]), 2, 65_000);
});

test('a v2 sliding window restores its rows and pending delayed windows', () => {
  checkRestore('SELECT collect(n) AS ns FROM demo GROUP BY SLIDINGWINDOW(ss, 2, 1)', rows([1000, 1500, 1900, 2300]), 2, 5000, { planOptimizeStrategy: { windowOption: { windowVersion: 'v2' } } });
});

test('a session window restored with its inactivity timer pending closes at the same instant', () => {
  checkRestore('SELECT collect(n) AS ns, window_end() AS we FROM demo GROUP BY SESSIONWINDOW(ss, 10, 1)', rows([60_100, 60_400, 60_900, 62_500, 62_700]), 3, 65_000);
});

test('a state window per partition restored mid-window emits the same windows', () => {
  checkRestore('SELECT dev, collect(n) AS ns FROM demo GROUP BY STATEWINDOW(n > 0, n % 3 = 0) OVER (PARTITION BY dev)', rows([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 5, 20);
});

test('an event-time window restores its watermark, buffered events and window state', () => {
  checkRestore('SELECT collect(n) AS ns FROM demo GROUP BY TUMBLINGWINDOW(ss, 1)', rows([100, 700, 1300, 2100, 2500, 3900, 4700]), 4, 5000, { isEventTime: true, lateTolerance: 500 });
});

test('a scan table joined with a stream restores its retained rows', () => {
  const evs: Ev[] = [
    { t: 1, stream: 'tbl', data: { id: 1n, name: 'one' } },
    { t: 2, stream: 'tbl', data: { id: 2n, name: 'two' } },
    { t: 3, data: { id: 2n } },
    { t: 4, data: { id: 1n } },
  ];
  checkRestore('SELECT name FROM demo INNER JOIN tbl ON demo.id = tbl.id', evs, 2, 10);
});

test('analytic function state (lag, acc_sum) and hit counters survive a restore', () => {
  checkRestore('SELECT n, lag(n) AS prev, acc_sum(n) AS total, last_agg_hit_count() AS hits FROM demo GROUP BY COUNTWINDOW(2)', rows([1, 2, 3, 4, 5, 6, 7, 8]), 3, 10);
});

test('a snapshot of another kind or version is refused', () => {
  const a = instance('SELECT n FROM demo GROUP BY COUNTWINDOW(2)', {}, 0);
  const b = instance('SELECT n FROM demo GROUP BY TUMBLINGWINDOW(ss, 1)', {}, 0);
  assert.throws(() => b.p.restore(a.p.snapshot()), /cannot restore time window state/);
  assert.throws(() => b.p.restore({ v: 2, kind: 'window-stage' }), /unknown state version/);
});
