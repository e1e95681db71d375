import Fastify, { type FastifyInstance } from 'fastify';
import { OortError, type EngineApi, type OortConfig } from '@oort/engine';
import type { Logger } from '@oort/sdk';
import { installJsonBodyParser } from './body.js';
import { installCors } from './cors.js';
import { installSecurity } from './security/index.js';
import { sendError } from './http-errors.js';
import { consoleLogger } from './logger.js';
import type { RouteContext } from './route-context.js';
import { metadataRoutes } from './routes/metadata.js';
import { pluginRoutes } from './routes/plugins.js';
import { ruleRoutes } from './routes/rules.js';
import { rulesetRoutes } from './routes/ruleset.js';
import { ruletestRoutes } from './routes/ruletest.js';
import { streamRoutes } from './routes/streams.js';
import { systemRoutes } from './routes/system.js';
import { uploadRoutes } from './routes/uploads.js';
import { ruleTagRoutes } from './routes/rule-tags.js';
import { prometheusRoutes } from './routes/prometheus.js';
import { dataRoutes } from './routes/data.js';
import { connectionRoutes } from './routes/connections.js';
import { schemaRoutes } from './routes/schemas.js';
import { ruleSchemaRoutes } from './routes/rule-schema.js';

export interface BuildAppOptions {
  /** Where errors and warnings go; defaults to the console per `basic.logLevel`/`basic.consoleLog`. */
  log?: Logger;
  /** Where `mgmt/*.pub` (JWT public keys) are read from when authentication is on; default `etc`. */
  etcDir?: string;
  /** Enables `GET|POST /stop`, called once the answer is sent. */
  onStop?: () => void;
}

/**
 * The eKuiper-compatible REST API over an engine, not yet listening (tests use `inject()`).
 * One file per resource under routes/; this file only wires the cross-cutting parts: JSON
 * bodies of any content type, the body size limit, CORS, and the error mapping.
 */
export function buildApp(engine: EngineApi, config: OortConfig, opts: BuildAppOptions = {}): FastifyInstance {
  const log = opts.log ?? consoleLogger(config.basic.logLevel, config.basic.consoleLog);
  const app = Fastify({
    logger: false,
    bodyLimit: config.basic.maxRequestBodyBytes,
    // Paths are case-sensitive as in eKuiper; `/rules/` is the same as `/rules`.
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // the router refuses bad escapes before the error handler runs: answer with the coded body too
    frameworkErrors: (err, req, reply) => sendError(reply, new OortError('BAD_REQUEST', `Invalid request: ${err.message}`), log, req),
  });

  installSecurity(app, { config, etcDir: opts.etcDir ?? 'etc', tokens: config.basic.authTokens });
  installJsonBodyParser(app);
  installCors(app);
  // bigint (SQL integers) would make JSON.stringify throw; Go would print them as numbers.
  app.setReplySerializer((payload) => JSON.stringify(payload, jsonReplacer));
  app.setErrorHandler((err, req, reply) => sendError(reply, err, log, req));
  app.addHook('onResponse', async (req, reply) => {
    log.debug(`${req.method} ${req.url} ${reply.statusCode}`);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new OortError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`), log, req),
  );

  const ctx: RouteContext = { engine, config, log, ...(opts.onStop === undefined ? {} : { onStop: opts.onStop }) };
  systemRoutes(app, ctx);
  streamRoutes(app, ctx);
  ruleRoutes(app, ctx);
  rulesetRoutes(app, ctx);
  metadataRoutes(app, ctx);
  pluginRoutes(app, ctx);
  ruletestRoutes(app, ctx);
  uploadRoutes(app, ctx);
  ruleTagRoutes(app, ctx);
  prometheusRoutes(app, ctx);
  dataRoutes(app, ctx);
  connectionRoutes(app, ctx);
  schemaRoutes(app, ctx);
  ruleSchemaRoutes(app, ctx);
  return app;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
