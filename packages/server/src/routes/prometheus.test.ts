import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestApp, until } from './test-app.js';

test('GET /metrics exposes node metrics under eKuiper family names with rule, type, op and op_instance labels', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  h.engine.putConfKey('sources', 'simulator', 'prom', { data: [{ a: 1 }, { a: 2 }], interval: 5, loop: true });
  await h.app.inject({ method: 'POST', url: '/streams', payload: { sql: 'CREATE STREAM promsim () WITH (DATASOURCE="x", TYPE="simulator", CONF_KEY="prom", FORMAT="json")' } });
  const created = await h.app.inject({ method: 'POST', url: '/rules', payload: { id: 'p1', sql: 'SELECT a FROM promsim WHERE a > 1', actions: [{ nop: {} }] } });
  assert.equal(created.statusCode, 201, created.body);
  await until(() => Number(h.engine.ruleStatus('p1')['sink_nop_0_0_records_in_total'] ?? 0) >= 2);

  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const text = res.body;
  assert.match(text, /^# TYPE kuiper_source_records_in_total counter$/m);
  assert.match(text, /^kuiper_source_records_in_total\{rule="p1",type="source",op="promsim",op_instance="0"\} \d+$/m);
  assert.match(text, /^kuiper_op_records_out_total\{rule="p1",type="op",op="\d+_filter",op_instance="0"\} \d+$/m);
  assert.match(text, /^kuiper_sink_records_in_total\{rule="p1",type="sink",op="nop_0",op_instance="0"\} \d+$/m);
  assert.match(text, /^# TYPE kuiper_sink_process_latency_us gauge$/m);
  assert.match(text, /^kuiper_source_connection_status\{rule="p1",type="source",op="promsim",op_instance="0"\} -?\d$/m);
  assert.doesNotMatch(text, /kuiper_op_connection_status/);
  assert.match(text, /^kuiper_rule_status\{rule="p1"\} 1$/m);
  assert.match(text, /^kuiper_rule_count\{status="running"\} 1$/m);
  assert.match(text, /^kuiper_rule_count\{status="stop"\} 0$/m);
  // Every sample line is `name{labels} number`.
  for (const line of text.trim().split('\n')) {
    if (!line.startsWith('#')) assert.match(line, /^[a-z_]+(\{[^}]*\})? -?\d+(\.\d+)?$/, line);
  }
});

test('GET /metrics with no rules still reports the rule counts', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(
    res.body,
    '# HELP kuiper_rule_count gauge of rule status count\n# TYPE kuiper_rule_count gauge\n' +
      'kuiper_rule_count{status="running"} 0\nkuiper_rule_count{status="stop"} 0\n',
  );
});
