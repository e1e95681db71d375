import type { FastifyInstance } from 'fastify';
import type { ConfKind } from '@oort/engine';
import { objectBody } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';

type NameParams = { Params: { name: string } };
type ConfKeyParams = { Params: { name: string; confKey: string } };

/** `/metadata/…`: connector lists and metadata, and conf keys of sources, sinks and connections. */
export function metadataRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  app.get<{ Querystring: { kind?: string } }>('/metadata/sources', async (req) =>
    engine.listConnectors('sources', (req.query.kind ?? '').toLowerCase() === 'lookup'),
  );
  app.get('/metadata/sinks', async () => engine.listConnectors('sinks'));

  for (const kind of ['sources', 'sinks'] as const) {
    app.get<NameParams>(`/metadata/${kind}/:name`, async (req) => engine.connectorMetadata(kind, req.params.name));
  }

  for (const kind of ['sources', 'sinks', 'connections'] as const satisfies readonly ConfKind[]) {
    app.get<NameParams>(`/metadata/${kind}/yaml/:name`, async (req) => {
      return engine.listConfKeys(kind, req.params.name);
    });

    app.put<ConfKeyParams>(`/metadata/${kind}/:name/confKeys/:confKey`, async (req, reply) => {
      const { name, confKey } = req.params;
      validateId(confKey, 'Invalid confKey: ');
      const props = objectBody(req.body);
      await prefixed('', () => engine.putConfKey(kind, name, confKey, props));
      return reply.code(200).send();
    });

    app.delete<ConfKeyParams>(`/metadata/${kind}/:name/confKeys/:confKey`, async (req, reply) => {
      const { name, confKey } = req.params;
      validateId(confKey, 'Invalid confKey: ');
      await prefixed('', () => engine.deleteConfKey(kind, name, confKey));
      return reply.code(200).send();
    });
  }
}
