import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OortError, PushServer } from '@oort/engine';
import { toJSON } from '@oort/sdk';
import { objectBody } from '../body.js';
import type { RouteContext } from '../route-context.js';

const text = 'text/plain; charset=utf-8';

/**
 * `POST /ruletest/run` (simulated time, one JSON answer) and eKuiper's trial runs:
 * `POST /ruletest` → `{"id","port"}`, `POST /ruletest/{id}/start`, `DELETE /ruletest/{id}`,
 * results as server-sent events at `GET http://<source.httpServerIp>:<port>/test/{id}`
 * (eKuiper's place) and at `GET /ruletest/{id}/events` on the REST port.
 */
export function ruletestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine, config } = ctx;
  const sse = new Map<string, PushServer>();

  const trials = () => {
    if (!engine.trials) throw new OortError('GENERAL', 'trial runs are not available');
    return engine.trials;
  };

  const stream = (id: string) => (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'access-control-allow-origin': '*' });
    res.write(': connected\n\n');
    const stop = trials().listen(id, (json) => res.write(`data: ${json}\n\n`));
    req.on('close', stop);
  };

  app.post('/ruletest/run', async (req, reply) => {
    const body = objectBody(req.body, 'Invalid body: Error decoding json');
    if (!engine.runRuleTest) throw new OortError('GENERAL', 'rule test runs are not available');
    const result = await engine.runRuleTest(body);
    return reply.type('application/json').send(toJSON(result));
  });

  app.post('/ruletest', async (req, reply) => {
    const body = objectBody(req.body, 'Invalid body: Error decoding json');
    const { id } = trials().create(body);
    const server = await PushServer.acquire(config.source.httpServerIp, config.source.httpServerPort);
    server.addStreamRoute(`/test/${id}`, 'GET', stream(id));
    sse.set(id, server);
    return reply.type('application/json').send({ id, port: server.port });
  });

  app.post<{ Params: { id: string } }>('/ruletest/:id/start', async (req, reply) => {
    await trials().start(req.params.id);
    return reply.type(text).send(`Test rule ${req.params.id} was started`);
  });

  app.get<{ Params: { id: string } }>('/ruletest/:id/events', async (req, reply) => {
    if (!trials().has(req.params.id)) throw new OortError('NOT_FOUND', `test rule ${req.params.id} is not found`);
    reply.hijack();
    stream(req.params.id)(req.raw, reply.raw);
  });

  app.delete<{ Params: { id: string } }>('/ruletest/:id', async (req, reply) => {
    await trials().delete(req.params.id);
    const server = sse.get(req.params.id);
    if (server) {
      sse.delete(req.params.id);
      server.removeStreamRoute(`/test/${req.params.id}`);
      await server.release();
    }
    return reply.type(text).send(`Test rule ${req.params.id} was stopped.`);
  });

  app.addHook('onClose', async () => {
    for (const [id, server] of sse) {
      server.removeStreamRoute(`/test/${id}`);
      await server.release();
    }
    sse.clear();
  });
}
