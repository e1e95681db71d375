import { createConnection, createServer, type Server } from 'node:net';
import aedesModule from 'aedes';
import type { AedesOptions } from 'aedes';
import type { Logger } from '@oort/sdk';
import type { BrokerMode } from '@oort/engine';

export interface BrokerHandle {
  /** Whether this process runs the broker (false: another broker answered, or mode off). */
  embedded: boolean;
  /** The broker's address, with the real port when `server` asked for port 0. */
  server: string;
  close(): Promise<void>;
}

/**
 * The embedded MQTT broker (aedes), so a fresh install has somewhere to publish and subscribe.
 * `auto` reuses a broker that already answers at `server` and starts one otherwise; `on`
 * always starts one and fails if the port is taken; `off` does nothing.
 */
export async function startBroker(mode: BrokerMode, server: string, logger: Logger): Promise<BrokerHandle> {
  if (mode === 'off') return { embedded: false, server, close: async () => {} };
  const { host, port } = parseServer(server);
  if (mode === 'auto' && (await canConnect(host, port))) {
    logger.info(`using the MQTT broker already listening at ${server}`);
    return { embedded: false, server, close: async () => {} };
  }
  const aedes = createAedes();
  const tcp = createServer(aedes.handle);
  try {
    await listen(tcp, host, port);
  } catch (err) {
    await closeAedes(aedes);
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : (err as Error).message;
    throw new Error(`cannot start the embedded MQTT broker at ${server}: ${why}`, { cause: err });
  }
  const bound = tcp.address();
  const actual = typeof bound === 'object' && bound !== null ? `tcp://${formatHost(host)}:${bound.port}` : server;
  logger.info(`embedded MQTT broker listening at ${actual}`);
  let closing: Promise<void> | undefined;
  return {
    embedded: true,
    server: actual,
    close: () =>
      (closing ??= (async () => {
        // aedes.close() ends client connections; tcp.close() then stops accepting.
        await closeAedes(aedes);
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      })()),
  };
}

/** `tcp://host:port` (or `mqtt://`, or bare `host:port`) → host and port, 1883 by default. */
export function parseServer(server: string): { host: string; port: number } {
  const withScheme = /^[a-z]+:\/\//i.test(server) ? server : `tcp://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`invalid MQTT server address ${server}: expected tcp://host:port`);
  }
  if (!['tcp:', 'mqtt:'].includes(url.protocol)) {
    throw new Error(`invalid MQTT server address ${server}: the embedded broker speaks tcp:// only`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = url.port === '' ? 1883 : Number(url.port);
  return { host, port };
}

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

type AedesBroker = InstanceType<typeof aedesModule.default>;

// aedes is CommonJS whose typings describe an ES module: at run time the default import is the
// constructor itself, while the types put it under `.default`. Accept both.
function createAedes(opts?: AedesOptions): AedesBroker {
  const mod = aedesModule as unknown as { default?: typeof aedesModule.default } & typeof aedesModule.default;
  const Ctor = mod.default ?? mod;
  return new Ctor(opts);
}

function closeAedes(aedes: AedesBroker): Promise<void> {
  return new Promise((resolve) => aedes.close(() => resolve()));
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
