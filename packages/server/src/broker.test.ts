import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connectAsync } from 'mqtt';
import { parseServer, startBroker } from './broker.js';
import { silentLogger } from './logger.js';

/** A port that was free a moment ago (the broker under test must bind a known address). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function roundTrip(server: string): Promise<string> {
  const client = await connectAsync(server.replace(/^tcp:/, 'mqtt:'), { reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    const topic = `oort/broker-test/${Math.random().toString(36).slice(2)}`;
    const got = new Promise<string>((resolve) => client.once('message', (_t, payload) => resolve(payload.toString())));
    await client.subscribeAsync(topic, { qos: 1 });
    await client.publishAsync(topic, 'hello', { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

describe('startBroker', () => {
  it('starts an embedded broker in auto mode when nothing listens, and clients can publish and receive', async () => {
    const server = `tcp://127.0.0.1:${await freePort()}`;
    const broker = await startBroker('auto', server, silentLogger);
    try {
      assert.equal(broker.embedded, true);
      assert.equal(broker.server, server);
      assert.equal(await roundTrip(server), 'hello');
    } finally {
      await broker.close();
    }
  });

  it('reuses a broker that already answers in auto mode', async () => {
    const first = await startBroker('on', 'tcp://127.0.0.1:0', silentLogger);
    try {
      const second = await startBroker('auto', first.server, silentLogger);
      assert.equal(second.embedded, false);
      assert.equal(await roundTrip(second.server), 'hello');
      await second.close();
      // Closing the reused one must leave the real broker running.
      assert.equal(await roundTrip(first.server), 'hello');
    } finally {
      await first.close();
    }
  });

  it('uses the local Mosquitto on 1883 in auto mode when it runs', async (t) => {
    const probe = await startBroker('auto', 'tcp://127.0.0.1:1883', silentLogger).catch(() => undefined);
    if (probe === undefined) return t.skip('port 1883 is neither free nor a broker');
    try {
      if (probe.embedded) return t.skip('no broker runs on 1883 here');
      assert.equal(await roundTrip(probe.server), 'hello');
    } finally {
      await probe.close();
    }
  });

  it('fails clearly in on mode when the port is taken', async () => {
    const first = await startBroker('on', 'tcp://127.0.0.1:0', silentLogger);
    try {
      await assert.rejects(startBroker('on', first.server, silentLogger), /cannot start the embedded MQTT broker at .*: the port is already in use/);
    } finally {
      await first.close();
    }
  });

  it('does nothing in off mode', async () => {
    const broker = await startBroker('off', 'tcp://127.0.0.1:1', silentLogger);
    assert.equal(broker.embedded, false);
    await broker.close();
  });

  it('can be closed twice, and frees its port', async () => {
    const broker = await startBroker('on', 'tcp://127.0.0.1:0', silentLogger);
    await Promise.all([broker.close(), broker.close()]);
    const again = await startBroker('on', broker.server, silentLogger);
    assert.equal(again.embedded, true);
    await again.close();
  });
});

describe('parseServer', () => {
  it('reads tcp://, mqtt:// and bare host:port addresses', () => {
    assert.deepEqual(parseServer('tcp://127.0.0.1:1883'), { host: '127.0.0.1', port: 1883 });
    assert.deepEqual(parseServer('mqtt://localhost'), { host: 'localhost', port: 1883 });
    assert.deepEqual(parseServer('0.0.0.0:1884'), { host: '0.0.0.0', port: 1884 });
    assert.deepEqual(parseServer('tcp://[::1]:1885'), { host: '::1', port: 1885 });
  });

  it('refuses schemes the embedded broker does not speak', () => {
    assert.throws(() => parseServer('ws://127.0.0.1:8083'), /tcp:\/\/ only/);
  });
});
