import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OORT_FLAGS, parseArgs, UsageError } from './args.js';

describe('parseArgs', () => {
  it('collects positionals and accepts flags anywhere on the line', () => {
    const a = parseArgs(['--server', 'http://x:1', 'create', 'rule', 'r1', '-f', 'rule.json', '--json'], OORT_FLAGS);
    assert.deepEqual(a.positionals, ['create', 'rule', 'r1']);
    assert.deepEqual(a.values, { server: 'http://x:1', file: 'rule.json' });
    assert.ok(a.booleans.has('json'));
  });

  it('reads --name=value and single-dash long flags like eKuiper -json', () => {
    const a = parseArgs(['server', '--port=0', '-data-dir', '/tmp/d', '-json'], OORT_FLAGS);
    assert.deepEqual(a.values, { port: '0', 'data-dir': '/tmp/d' });
    assert.ok(a.booleans.has('json'));
  });

  it('treats a lone dash, negative numbers and everything after -- as positionals', () => {
    const a = parseArgs(['export', 'ruleset', '-', '-5', '--', '--json'], OORT_FLAGS);
    assert.deepEqual(a.positionals, ['export', 'ruleset', '-', '-5', '--json']);
    assert.equal(a.booleans.size, 0);
  });

  it('keeps SQL and JSON arguments intact, spaces and quotes included', () => {
    const sql = '(id bigint, name string) WITH (DATASOURCE="t/#", FORMAT="json")';
    const a = parseArgs(['create', 'stream', 'demo', sql], OORT_FLAGS);
    assert.equal(a.positionals[3], sql);
  });

  it('maps short aliases to their long names', () => {
    const a = parseArgs(['drop', 'plugin', 'sinks', 'x', '-s', 'true', '-h'], OORT_FLAGS);
    assert.equal(a.values['stop'], 'true');
    assert.ok(a.booleans.has('help'));
  });

  it('rejects unknown flags and value flags without a value', () => {
    assert.throws(() => parseArgs(['show', 'rules', '--nope'], OORT_FLAGS), UsageError);
    assert.throws(() => parseArgs(['server', '--port'], OORT_FLAGS), /needs a value/);
  });

  it('accepts --flag=true and --flag=false for switches', () => {
    assert.ok(parseArgs(['--json=true'], OORT_FLAGS).booleans.has('json'));
    assert.ok(!parseArgs(['--json=false'], OORT_FLAGS).booleans.has('json'));
    assert.throws(() => parseArgs(['--json=maybe'], OORT_FLAGS), UsageError);
  });
});
