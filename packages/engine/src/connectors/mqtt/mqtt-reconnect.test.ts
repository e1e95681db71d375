import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import aedes from 'aedes';
import { createTestContext, RecordingIO, waitFor } from '@oort/sdk/testing';
import { connectAsync } from 'mqtt';
import { MqttSource } from './mqtt-source.js';

/** A private broker on a fixed port that can be stopped and started again. */
async function startBroker(port: number): Promise<{ server: Server; stop: () => Promise<void> }> {
  const broker = aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    server,
    stop: async () => {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('mqtt source reconnection', () => {
  it('reports disconnected when the broker goes away and resubscribes when it is back', async () => {
    let broker = await startBroker(0);
    const port = (broker.server.address() as AddressInfo).port;
    const ctx = createTestContext();
    const src = new MqttSource();
    src.provision(ctx, { server: `tcp://127.0.0.1:${port}`, datasource: 'r/#', qos: 1 });
    const io = new RecordingIO();
    await src.connect(ctx, io);
    assert.equal(io.statuses.at(-1)!.status, 'connected');
    await broker.stop();
    await waitFor(() => io.statuses.some((s) => s.status === 'disconnected'), 5000, 'disconnected status');
    broker = await startBroker(port);
    await waitFor(() => io.statuses.at(-1)!.status === 'connected', 10000, 'reconnection');
    const pub = await connectAsync(`tcp://127.0.0.1:${port}`);
    await pub.publishAsync('r/x', '{"a":1}', { qos: 1 });
    await waitFor(() => io.received.length === 1, 5000, 'message after reconnecting');
    await pub.endAsync();
    await src.close(ctx);
    await broker.stop();
  });
});
