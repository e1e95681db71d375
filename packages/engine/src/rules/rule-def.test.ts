import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRule } from './rule-def.js';

const base = { id: 'r1', sql: 'SELECT * FROM demo', actions: [{ log: {} }] };

test('a rule gets eKuiper option defaults, durations in milliseconds, and every action of an action object', () => {
  const r = parseRule({ ...base, actions: [{ log: {}, mqtt: { topic: 't' } }], options: { lateTolerance: '2s', checkpointInterval: 60000, bufferLength: -1 } });
  assert.deepEqual(r.actions.map((a) => a.type), ['log', 'mqtt']);
  assert.equal(r.options.lateTolerance, 2000);
  assert.equal(r.options.checkpointInterval, 60000);
  assert.equal(r.options.bufferLength, 1024);
  assert.equal(r.triggered, true);
  assert.equal(r.name, 'r1');
});

test('invalid rules are refused with a coded error naming the problem', () => {
  assert.throws(() => parseRule({ ...base, id: 'bad id' }), /invalid name/);
  assert.throws(() => parseRule({ ...base, actions: [] }), /has no actions/);
  assert.throws(() => parseRule({ ...base, options: { qos: 3 } }), /qos must be 0, 1 or 2/);
  assert.throws(() => parseRule({ ...base, options: { lateTolerance: 'soon' } }), /lateTolerance must be a duration/);
});

test('scheduled rules are refused rather than run all the time', () => {
  assert.throws(() => parseRule({ ...base, options: { cron: '*/5 * * * *', duration: '1m' } }), /scheduled rules are not supported yet/);
  assert.doesNotThrow(() => parseRule({ ...base, options: { cron: '', cronDatetimeRange: [] } }));
});
