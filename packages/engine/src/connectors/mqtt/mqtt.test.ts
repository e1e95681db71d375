import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { IOError } from '@oort/sdk';
import { createTestContext, describeSinkContract, describeSourceContract, RecordingIO, waitFor } from '@oort/sdk/testing';
import { connectAsync, type MqttClient } from 'mqtt';
import { compileSinkTransform } from '../../template/sink-transform.js';
import { MqttSink } from './mqtt-sink.js';
import { MqttSource } from './mqtt-source.js';

const SERVER = 'tcp://127.0.0.1:1883';
const uniq = () => `oort_test/${randomUUID()}`;

let helper: MqttClient | undefined;
async function publisher(): Promise<MqttClient> {
  helper ??= await connectAsync(SERVER);
  return helper;
}
after(async () => {
  await helper?.endAsync();
});

async function startSource(props: Record<string, unknown>): Promise<{ src: MqttSource; io: RecordingIO; close: () => Promise<void> }> {
  const ctx = createTestContext();
  const src = new MqttSource();
  src.provision(ctx, { server: SERVER, ...props });
  const io = new RecordingIO();
  await src.connect(ctx, io);
  return { src, io, close: () => src.close(ctx) };
}

for (const protocolVersion of ['3.1.1', '5']) {
  for (const qos of [0, 1]) {
    describe(`mqtt source and sink with protocol ${protocolVersion} and QoS ${qos}`, () => {
      it('deliver published rows end to end with topic meta', async () => {
        const base = uniq();
        const { io, close } = await startSource({ datasource: `${base}/+`, qos, protocolVersion });
        const ctx = createTestContext();
        const sink = new MqttSink();
        const props = { server: SERVER, topic: `${base}/{{.dev}}`, qos, protocolVersion, sendSingle: true };
        sink.provision(ctx, props);
        const statuses: string[] = [];
        await sink.connect(ctx, (s) => statuses.push(s));
        assert.equal(statuses.at(-1), 'connected');
        for (const item of compileSinkTransform(props, 'bytes')([{ dev: 'a', v: 1 }, { dev: 'b', v: 2 }])) await sink.collect(ctx, item);
        await waitFor(() => io.received.length === 2, 5000, 'two messages');
        await sink.close(ctx);
        await close();
        const byTopic = Object.fromEntries(io.received.map((r) => [r.meta!.topic, JSON.parse(Buffer.from((r as { payload: Uint8Array }).payload).toString())]));
        assert.deepEqual(byTopic, { [`${base}/a`]: { dev: 'a', v: 1 }, [`${base}/b`]: { dev: 'b', v: 2 } });
        assert.equal(io.received[0]!.meta!.qos, qos);
        assert.deepEqual(
          io.statuses.map((s) => s.status),
          ['connecting', 'connected'],
        );
      });
    });
  }
}

describe('mqtt source', () => {
  it('subscribes to several comma-separated topics', async () => {
    const a = uniq();
    const b = uniq();
    const { io, close } = await startSource({ datasource: `${a}, ${b}/#` });
    const pub = await publisher();
    await pub.publishAsync(a, '{"x":1}', { qos: 1 });
    await pub.publishAsync(`${b}/deep/er`, '{"x":2}', { qos: 1 });
    await waitFor(() => io.received.length === 2);
    await close();
    assert.deepEqual(io.rows().map((r) => r.x).sort(), [1, 2]);
  });

  it('stops taking messages while the engine is full and resumes on drain', async () => {
    const topic = uniq();
    const { io, close } = await startSource({ datasource: topic, qos: 1 });
    io.accept = false;
    const pub = await publisher();
    for (let i = 0; i < 5; i++) await pub.publishAsync(topic, `{"i":${i}}`, { qos: 1 });
    await waitFor(() => io.received.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(io.received.length < 5, `got ${io.received.length} while paused`);
    io.drain();
    await waitFor(() => io.received.length === 5, 5000, 'all messages after drain');
    await close();
    assert.deepEqual(io.rows().map((r) => r.i), [0, 1, 2, 3, 4]);
  });

  it('refuses an unknown protocol version', () => {
    assert.throws(() => new MqttSource().provision(createTestContext(), { datasource: 't', protocolVersion: '4.0' }), /protocolVersion/);
  });
});

describe('mqtt source without a broker', () => {
  it('reports disconnected after the connect timeout and keeps retrying', async () => {
    const ctx = createTestContext();
    const src = new MqttSource();
    src.provision(ctx, { server: 'tcp://127.0.0.1:1', datasource: 't', connectTimeout: 300 });
    const io = new RecordingIO();
    await src.connect(ctx, io);
    assert.equal(io.statuses.at(-1)!.status, 'disconnected');
    await src.close(ctx);
  });
});

describe('mqtt sink', () => {
  it('throws IOError while disconnected', async () => {
    const ctx = createTestContext();
    const sink = new MqttSink();
    sink.provision(ctx, { server: 'tcp://127.0.0.1:1', topic: 't', connectTimeout: 300 });
    const statuses: string[] = [];
    await sink.connect(ctx, (s) => statuses.push(s));
    assert.equal(statuses.at(-1), 'disconnected');
    await assert.rejects(sink.collect(ctx, { payload: Buffer.from('x'), props: {} }), IOError);
    await sink.close(ctx);
  });
});

{
  let topic = '';
  describeSinkContract('mqtt', () => new MqttSink(), {
    props: () => ({ server: SERVER, topic: (topic = uniq()), qos: 1 }),
  });
  describeSourceContract('mqtt', () => new MqttSource(), {
    props: () => ({ server: SERVER, datasource: (topic = uniq()), qos: 1 }),
    produce: async () => {
      await (await publisher()).publishAsync(topic, '{"n":1}', { qos: 1 });
    },
  });
}
