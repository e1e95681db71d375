import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, openEngine, parseDuration, type DeepPartial, type EngineApi, type OortConfig } from '@oort/engine';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { startBroker, type BrokerHandle } from './broker.js';
import { consoleLogger } from './logger.js';

export interface StartServerOptions {
  /** REST port (`--port`); 0 picks a free one. */
  port?: number;
  /** REST address. */
  host?: string;
  /** `--data-dir`. */
  dataDir?: string;
  /** `--config`; defaults to `<etcDir>/oort.yaml` when that file exists. */
  configFile?: string;
  /** Folder of `oort.yaml` and `sources/*.yaml`; defaults to `./etc`. */
  etcDir?: string;
  /** Environment for `OORT__…` overrides; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Close gracefully on SIGINT/SIGTERM; default true. */
  handleSignals?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  config: OortConfig;
  engine: EngineApi;
  /** Whether this process runs the MQTT broker at `config.mqtt.server`. */
  brokerEmbedded: boolean;
  /** Stops accepting requests, then closes the engine, then the broker. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts Oort: configuration (flags > environment > YAML > defaults), the embedded MQTT
 * broker per `mqtt.broker`, the engine, then the REST API.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const etcDir = resolve(opts.etcDir ?? 'etc');
  const defaultFile = resolve(etcDir, 'oort.yaml');
  const configFile = opts.configFile ?? (existsSync(defaultFile) ? defaultFile : undefined);
  const overrides: DeepPartial<OortConfig> = { basic: {} };
  if (opts.port !== undefined) overrides.basic!.restPort = opts.port;
  if (opts.host !== undefined) overrides.basic!.restIp = opts.host;
  const config = loadConfig({
    ...(configFile === undefined ? {} : { configFile }),
    ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
    env: opts.env ?? process.env,
    overrides,
  });
  const log = consoleLogger(config.basic.logLevel, config.basic.consoleLog);

  const broker: BrokerHandle = await startBroker(config.mqtt.broker, config.mqtt.server, log);
  let engine: EngineApi;
  try {
    engine = await openEngine({ dataDir: config.dataDir, config, etcDir });
  } catch (err) {
    await broker.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      removeSignals();
      const errors: unknown[] = [];
      for (const step of [() => app.close(), () => engine.close(), () => broker.close()]) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
          log.error(`error while shutting down: ${(err as Error).message}`);
        }
      }
      if (errors.length > 0) throw errors[0];
    })());

  let app: FastifyInstance;
  try {
    app = buildApp(engine, config, { log, etcDir, onStop: () => void close().catch(() => {}) });
    await app.listen({ port: config.basic.restPort, host: config.basic.restIp });
  } catch (err) {
    await engine.close().catch(() => {});
    await broker.close().catch(() => {});
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.basic.restPort;
  const host = ['0.0.0.0', '::', ''].includes(config.basic.restIp) ? '127.0.0.1' : config.basic.restIp;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(`Oort ${engine.version} REST API listening at ${url}`);

  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal} received, shutting down`);
    // Do not let a stuck close keep the process alive forever.
    setTimeout(() => process.exit(1), parseDuration(config.basic.gracefulShutdownTimeout)).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const removeSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (opts.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  return { url, port, config, engine, brokerEmbedded: broker.embedded, close };
}
