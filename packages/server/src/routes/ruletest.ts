import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';
import { toJSON } from '@oort/sdk';
import { objectBody } from '../body.js';
import type { RouteContext } from '../route-context.js';

/**
 * `POST /ruletest/run`: runs a rule over recorded events in simulated time and answers
 * `{"emissions": [[row, ...], ...], "metrics": {...}}`. Integers keep their digits.
 */
export function ruletestRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;
  app.post('/ruletest/run', async (req, reply) => {
    const body = objectBody(req.body, 'Invalid body: Error decoding json');
    if (!engine.runRuleTest) throw new OortError('GENERAL', 'rule test runs are not available');
    const result = await engine.runRuleTest(body);
    return reply.type('application/json').send(toJSON(result));
  });
}
