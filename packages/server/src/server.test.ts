import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

async function withDirs(fn: (dirs: { root: string; dataDir: string; etcDir: string }) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'oort-server-'));
  const dataDir = join(root, 'data');
  const etcDir = join(root, 'etc');
  mkdirSync(etcDir);
  try {
    await fn({ root, dataDir, etcDir });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('startServer', () => {
  it('starts the broker, the engine and the REST API, and closes them in order', () =>
    withDirs(async ({ dataDir, etcDir }) => {
      const mqttPort = await freePort();
      const server = await startServer({
        port: 0,
        dataDir,
        etcDir,
        env: { OORT__MQTT__SERVER: `tcp://127.0.0.1:${mqttPort}`, OORT__BASIC__CONSOLELOG: 'false' },
        handleSignals: false,
      });
      try {
        assert.equal(server.brokerEmbedded, true);
        assert.ok(await answers(mqttPort));
        assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        const ping = await fetch(`${server.url}/ping`);
        assert.equal(ping.status, 200);
        const info = (await (await fetch(`${server.url}/`)).json()) as { version: string };
        assert.equal(info.version, server.engine.version);
        const created = await fetch(`${server.url}/streams`, {
          method: 'POST',
          body: JSON.stringify({ sql: 'CREATE STREAM srvdemo () WITH (DATASOURCE="srvdemo", FORMAT="json")' }),
        });
        assert.equal(await created.text(), 'Stream srvdemo is created.');
        assert.equal(created.status, 201);
        assert.deepEqual(await (await fetch(`${server.url}/streams`)).json(), ['srvdemo']);
        assert.ok(existsSync(join(dataDir, 'oort.db')));
      } finally {
        await server.close();
      }
      assert.equal(await answers(server.port), false);
      assert.equal(await answers(mqttPort), false);
      await server.close();
    }));

  it('lets flags beat the environment and the environment beat the YAML file', () =>
    withDirs(async ({ dataDir, etcDir }) => {
      writeFileSync(join(etcDir, 'oort.yaml'), 'basic:\n  restIp: 127.0.0.2\n  consoleLog: false\nmqtt:\n  broker: on\n');
      const server = await startServer({
        port: 0,
        dataDir,
        etcDir,
        env: { OORT__BASIC__RESTIP: '127.0.0.1', OORT__BASIC__RESTPORT: '1', OORT__MQTT__BROKER: 'off' },
        handleSignals: false,
      });
      try {
        assert.equal(server.config.basic.restIp, '127.0.0.1');
        assert.notEqual(server.port, 1);
        assert.equal(server.brokerEmbedded, false);
        assert.equal(server.config.dataDir, dataDir);
      } finally {
        await server.close();
      }
    }));

  it('fails to start on a taken REST port and leaves nothing running', () =>
    withDirs(async ({ root, dataDir, etcDir }) => {
      const env = { OORT__MQTT__BROKER: 'off', OORT__BASIC__CONSOLELOG: 'false' };
      const first = await startServer({ port: 0, dataDir, etcDir, env, handleSignals: false });
      try {
        const mqttPort = await freePort();
        await assert.rejects(
          startServer({
            port: first.port,
            dataDir: join(root, 'data2'),
            etcDir,
            env: { ...env, OORT__MQTT__BROKER: 'on', OORT__MQTT__SERVER: `tcp://127.0.0.1:${mqttPort}` },
            handleSignals: false,
          }),
          /EADDRINUSE/,
        );
        assert.equal(await answers(mqttPort), false);
      } finally {
        await first.close();
      }
    }));

  it('refuses authentication: true before leaving anything running', () =>
    withDirs(async ({ dataDir, etcDir }) => {
      const mqttPort = await freePort();
      await assert.rejects(
        startServer({
          port: 0,
          dataDir,
          etcDir,
          env: { OORT__BASIC__AUTHENTICATION: 'true', OORT__MQTT__BROKER: 'on', OORT__MQTT__SERVER: `tcp://127.0.0.1:${mqttPort}` },
          handleSignals: false,
        }),
        /authentication/,
      );
      assert.equal(await answers(mqttPort), false);
    }));

  it('shuts down through POST /stop', () =>
    withDirs(async ({ dataDir, etcDir }) => {
      const server = await startServer({
        port: 0,
        dataDir,
        etcDir,
        env: { OORT__MQTT__BROKER: 'off', OORT__BASIC__CONSOLELOG: 'false' },
        handleSignals: false,
      });
      const res = await fetch(`${server.url}/stop`, { method: 'POST' });
      assert.equal(await res.text(), 'stop success');
      const deadline = Date.now() + 5000;
      while ((await answers(server.port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await answers(server.port), false);
      await server.close();
    }));
});
