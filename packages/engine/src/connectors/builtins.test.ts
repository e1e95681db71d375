import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext, describeSinkContract } from '@oort/sdk/testing';
import { builtinSinks, builtinSources } from './index.js';
import { LogSink } from './log/log-sink.js';
import { NopSink } from './nop/nop-sink.js';

describe('built-in connector registry', () => {
  it('lists the eKuiper built-in sources and sinks with schemas and descriptions', () => {
    assert.deepEqual(Object.keys(builtinSources).sort(), ['file', 'httppull', 'httppush', 'memory', 'mqtt', 'redis', 'redissub', 'simulator', 'sql']);
    assert.deepEqual(Object.keys(builtinSinks).sort(), ['file', 'log', 'memory', 'mqtt', 'nop', 'redis', 'redisPub', 'rest', 'sql']);
    for (const def of [...Object.values(builtinSources), ...Object.values(builtinSinks)]) {
      assert.ok(def.schema && def.about);
      assert.ok(def.create());
    }
  });
});

describe('log sink', () => {
  it('logs each item at info level', async () => {
    const ctx = createTestContext({ ruleId: 'r9' });
    const sink = new LogSink();
    sink.provision();
    await sink.collect(ctx, { rows: [{ a: 1n }], props: {} });
    assert.equal(ctx.logs[0]!.level, 'info');
    assert.match(ctx.logs[0]!.msg, /r9.*\{"a":1\}/);
  });
});

describeSinkContract('log', () => new LogSink(), { props: {} });
describeSinkContract('nop', () => new NopSink(), { props: { log: true } });
