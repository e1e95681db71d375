import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, validateConfig, type ConfigSchema } from './schema.js';

const schema: ConfigSchema = {
  url: { type: 'string', required: true },
  method: { type: 'string', enum: ['GET', 'POST'], default: 'GET' },
  batch: { type: 'integer', minimum: 1, default: 10 },
  interval: { type: 'duration', default: 1000 },
  debug: { type: 'boolean', default: false },
};

test('property names match case-insensitively and take the declared spelling', () => {
  const { props, issues } = validateConfig(schema, { URL: 'http://x', Method: 'POST' });
  assert.deepEqual(issues, []);
  assert.equal(props.url, 'http://x');
  assert.equal(props.method, 'POST');
  assert.equal(props.URL, undefined);
});

test('enumerated words match regardless of case ("post" is POST)', () => {
  assert.equal(validateConfig(schema, { url: 'u', method: 'post' }).props.method, 'POST');
  assert.match(validateConfig(schema, { url: 'u', method: 'PATCH' }).issues[0]!.message, /must be one of GET, POST/);
});

test('defaults fill missing properties; required ones are reported; numbers, booleans and durations convert', () => {
  const r = validateConfig(schema, { batch: '5', interval: '2s', debug: 'true' });
  assert.deepEqual(r.issues.map((i) => i.property), ['url']);
  assert.equal(r.props.batch, 5);
  assert.equal(r.props.interval, 2000);
  assert.equal(r.props.debug, true);
  assert.equal(r.props.method, 'GET');
  assert.match(validateConfig(schema, { url: 'u', batch: 0 }).issues[0]!.message, /must be >= 1/);
});

test('Go durations parse to milliseconds', () => {
  assert.equal(parseDuration('1h30m'), 5400000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('-10s'), -10000);
  assert.equal(parseDuration(250), 250);
  assert.equal(parseDuration('soon'), undefined);
});
