import type { FastifyInstance } from 'fastify';
import { OortError, type EngineApi } from '@oort/engine';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';
import { selectFieldNames } from './select-fields.js';

type SchemaField = { hasIndex: true; index: number };

/** What the engine should offer (engine/src/admin/rule-sink-schema.ts computes it from the parsed SQL). */
interface RuleSchemaSource {
  ruleSchema(id: string): Record<string, SchemaField>;
}

function hasRuleSchema(e: EngineApi): e is EngineApi & RuleSchemaSource {
  return typeof (e as Partial<RuleSchemaSource>).ruleSchema === 'function';
}

/** `GET /rules/{id}/schema` (the rule's output columns) and `GET /rules/usage/cpu`. */
export function ruleSchemaRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  app.get<{ Params: { id: string } }>('/rules/:id/schema', async (req) => {
    const { id } = req.params;
    validateId(id);
    return prefixed('get rule schema error', () => {
      if (hasRuleSchema(engine)) return engine.ruleSchema(id);
      const rule = engine.getRule(id) as { sql?: unknown };
      return typeof rule.sql === 'string' ? schemaOf(rule.sql) : {};
    });
  });

  // Per-rule CPU accounting (eKuiper's basic.ResourceProfileConfig) is not implemented.
  app.get('/rules/usage/cpu', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('cpu usage not enabled'));
}

function schemaOf(sql: string): Record<string, SchemaField> {
  const out: Record<string, SchemaField> = {};
  let i = 0;
  for (const { name, invisible } of selectFieldNames(sql)) {
    if (name === '*' || invisible) continue;
    if (out[name] !== undefined) throw new OortError('PLAN', `duplicate field definition ${name}`);
    out[name] = { hasIndex: true, index: i++ };
  }
  return out;
}
