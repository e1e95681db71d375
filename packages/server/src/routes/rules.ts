import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';
import { objectBody } from '../body.js';
import { isOortError, prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';

type IdParams = { Params: { id: string } };
const TEXT = 'text/plain; charset=utf-8';

/** `/rules…`: CRUD, lifecycle, status, topology, explain, validate. */
export function ruleRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  app.post('/rules', async (req, reply) => {
    const rule = objectBody(req.body);
    if (typeof rule['id'] === 'string') validateId(rule['id']);
    const id = await prefixed('', () => engine.createRule(rule));
    return reply.code(201).type(TEXT).send(`Rule ${id} was created successfully.`);
  });

  app.get('/rules', async () => prefixed('Show rules error', () => engine.listRules()));

  // Static segments win over `:id` in the router, so these two never see an id "status"/"validate".
  app.get('/rules/status/all', async () => prefixed('get rules status error', () => engine.allRuleStatus()));

  app.post('/rules/validate', async (req, reply) => {
    const rule = objectBody(req.body);
    try {
      return reply.send(await engine.validateRule(rule));
    } catch (err) {
      if (!isOortError(err)) throw err;
      // eKuiper answers an invalid rule with 422 and the bare message as text.
      return reply.code(422).type(TEXT).send(err.message);
    }
  });

  app.get<IdParams>('/rules/:id', async (req) => {
    validateId(req.params.id);
    return prefixed('Describe rule error', () => engine.getRule(req.params.id));
  });

  app.put<IdParams>('/rules/:id', async (req, reply) => {
    const { id } = req.params;
    validateId(id);
    const rule = objectBody(req.body);
    if (rule['id'] !== undefined && rule['id'] !== id) {
      throw new OortError('RULE', `Update rule error: rule id ${String(rule['id'])} in the body does not match ${id} in the path`);
    }
    await prefixed('Update rule error', () => engine.upsertRule(id, rule));
    return reply.type(TEXT).send(`Rule ${id} was updated successfully.`);
  });

  app.delete<IdParams>('/rules/:id', async (req, reply) => {
    const { id } = req.params;
    validateId(id);
    await prefixed('Delete rule error', () => engine.deleteRule(id));
    return reply.type(TEXT).send(`Rule ${id} is dropped.`);
  });

  const lifecycle = (action: 'start' | 'stop' | 'restart', done: (id: string) => string) => {
    app.post<IdParams>(`/rules/:id/${action}`, async (req, reply) => {
      const { id } = req.params;
      validateId(id);
      await prefixed(`${action} rule error`, () =>
        action === 'start' ? engine.startRule(id) : action === 'stop' ? engine.stopRule(id) : engine.restartRule(id),
      );
      return reply.type(TEXT).send(done(id));
    });
  };
  lifecycle('start', (id) => `Rule ${id} was started`);
  lifecycle('stop', (id) => `Rule ${id} was stopped.`);
  lifecycle('restart', (id) => `Rule ${id} was restarted`);

  // eKuiper's v2 variant differs only in typing values, which JSON here already does.
  for (const path of ['/rules/:id/status', '/v2/rules/:id/status']) {
    app.get<IdParams>(path, async (req) => {
      validateId(req.params.id);
      return prefixed('get rule status error', () => engine.ruleStatus(req.params.id));
    });
  }

  app.get<IdParams>('/rules/:id/topo', async (req) => {
    validateId(req.params.id);
    return prefixed('get rule topo error', () => engine.ruleTopo(req.params.id));
  });

  app.get<IdParams>('/rules/:id/explain', async (req, reply) => {
    validateId(req.params.id);
    const text = await prefixed('explain rules error', () => engine.explainRule(req.params.id));
    return reply.type(TEXT).send(text);
  });
}
