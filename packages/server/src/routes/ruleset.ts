import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';
import { objectBody, stringField } from '../body.js';
import { readFileUrl } from '../file-url.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';

/** `/ruleset/export` and `/ruleset/import`: streams, tables and rules as one JSON document. */
export function rulesetRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine, config } = ctx;

  app.post('/ruleset/export', async (_req, reply) => {
    const ruleset = await prefixed('export error', () => engine.exportRuleset());
    return reply
      .type('application/octet-stream')
      .header('Content-Disposition', 'attachment; filename="ekuiper_export.json"')
      .send(JSON.stringify(ruleset));
  });

  app.post('/ruleset/import', async (req, reply) => {
    const body = objectBody(req.body, 'Invalid body: Error decoding json');
    const content = stringField(body, 'content');
    const file = stringField(body, 'file');
    if (content !== '' && file !== '') {
      throw new OortError('BAD_REQUEST', 'Invalid body: Cannot specify both content and file: bad request');
    }
    if (content === '' && file === '') {
      throw new OortError('BAD_REQUEST', 'Invalid body: must specify content or file: bad request');
    }
    const text = file !== '' ? await prefixed('Fail to read file', () => readFileUrl(file, config)) : content;
    const n = await prefixed('Import ruleset error', () => engine.importRuleset(text));
    return reply
      .type('text/plain; charset=utf-8')
      .send(`imported ${n.streams} streams, ${n.tables} tables and ${n.rules} rules`);
  });
}
