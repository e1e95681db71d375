import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '@oort/sdk';
import '../../functions/index.js';
import { getBuiltin } from '../../functions/registry.js';
import { Catalog } from '../../catalog/catalog.js';
import { MemoryKV } from '../../store/memory-kv.js';
import { planRule } from '../../plan/planner.js';
import { parseRule } from '../../rules/rule-def.js';
import { ManualClock } from '../clock.js';
import { buildWindowStage } from '../window-stage.js';
import type { LookupFn } from './lookup-join.js';

const DEVICES: Row[] = [
  { id: 1n, name: 'pump', site: 'a' },
  { id: 2n, name: 'fan', site: 'a' },
  { id: 2n, name: 'fan-2', site: 'b' },
];

function stage(sql: string, lookup?: LookupFn) {
  const catalog = new Catalog(new MemoryKV());
  catalog.create('CREATE STREAM demo () WITH (TYPE="mock")');
  catalog.create('CREATE TABLE dev () WITH (TYPE="memory", KIND="lookup", KEY="id")');
  const out: Row[][] = [];
  const calls: unknown[][] = [];
  const fake: LookupFn = async (table, fields, keys, values) => {
    calls.push([table, keys, values]);
    await new Promise((r) => setImmediate(r)); // a real lookup answers later
    return DEVICES.filter((d) => keys.every((k, i) => d[k] === values[i]));
  };
  const p = buildWindowStage({
    plan: planRule(sql, catalog),
    rule: parseRule({ id: 'r', sql, actions: [{ log: {} }], options: { sendError: true } }, {}),
    clock: new ManualClock(0),
    firstOpIndex: 2,
    resolveFunction: getBuiltin,
    ignoreCase: false,
    emit: (rows) => out.push(rows),
    lookup: lookup ?? fake,
  });
  p.start();
  const send = (data: Row, t = 1): void => p.process({ emitter: 'demo', data, meta: {}, ts: t });
  return { p, out, calls, send };
}

test('an inner lookup join emits the matching table rows with each stream row, in order', async () => {
  const s = stage('SELECT demo.id AS id, v, dev.name AS name FROM demo INNER JOIN dev ON demo.id = dev.id');
  s.send({ id: 2n, v: 'x' });
  s.send({ id: 9n, v: 'y' });
  s.send({ id: 1n, v: 'z' });
  await s.p.idle();
  assert.deepEqual(s.out, [
    [{ id: 2n, v: 'x', name: 'fan' }, { id: 2n, v: 'x', name: 'fan-2' }],
    [{ id: 1n, v: 'z', name: 'pump' }],
  ]);
  assert.deepEqual(s.calls.map((c) => c[2]), [[2n], [9n], [1n]]);
});

test('a left lookup join keeps stream rows without a match, and a nil key looks nothing up', async () => {
  const s = stage('SELECT v, dev.name AS name FROM demo LEFT JOIN dev ON dev.id = demo.id');
  s.send({ id: 9n, v: 'x' });
  s.send({ v: 'nokey' });
  await s.p.idle();
  assert.deepEqual(s.out, [[{ v: 'x' }], [{ v: 'nokey' }]]);
  assert.equal(s.calls.length, 1);
});

test('several equalities form a composite key and the rest of ON still filters', async () => {
  const s = stage('SELECT dev.name AS name FROM demo INNER JOIN dev ON demo.id = dev.id AND dev.site = demo.site AND dev.name != "fan"');
  s.send({ id: 2n, site: 'b' });
  s.send({ id: 2n, site: 'a' });
  await s.p.idle();
  assert.deepEqual(s.out, [[{ name: 'fan-2' }]]);
  assert.deepEqual(s.calls.map((c) => c[1]), [['id', 'site'], ['id', 'site']]);
});

test('a window joined with a lookup table looks up each row of the window', async () => {
  const s = stage('SELECT count(*) AS c, collect(dev.name) AS names FROM demo INNER JOIN dev ON demo.id = dev.id GROUP BY COUNTWINDOW(3)');
  s.send({ id: 1n });
  s.send({ id: 2n });
  s.send({ id: 7n });
  await s.p.idle();
  assert.deepEqual(s.out, [[{ c: 3n, names: ['pump', 'fan', 'fan-2'] }]]);
});

test('a failing lookup is reported as an error row', async () => {
  const s = stage('SELECT v FROM demo INNER JOIN dev ON demo.id = dev.id', async () => { throw new Error('connection refused'); });
  s.send({ id: 1n, v: 'x' });
  await s.p.idle();
  assert.deepEqual(s.out, [[{ error: 'run lookup error: connection refused' }]]);
});

test('a lookup join needs an equality with the table and an inner or left join', () => {
  assert.throws(() => stage('SELECT v FROM demo INNER JOIN dev ON demo.id > dev.id'), /needs an equality/);
  assert.throws(() => stage('SELECT v FROM demo RIGHT JOIN dev ON demo.id = dev.id'), /only INNER and LEFT/);
});
