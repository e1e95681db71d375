import type { FastifyInstance } from 'fastify';
import type { ConfKind } from '@oort/engine';
import { objectBody } from '../body.js';
import { prefixed } from '../http-errors.js';
import { maskSecrets, unmaskSecrets } from '../mask.js';
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
      const keys = engine.listConfKeys(kind, req.params.name);
      const out: Record<string, Record<string, unknown>> = {};
      for (const [key, props] of Object.entries(keys)) out[key] = maskSecrets(props);
      return out;
    });

    app.put<ConfKeyParams>(`/metadata/${kind}/:name/confKeys/:confKey`, async (req, reply) => {
      const { name, confKey } = req.params;
      validateId(confKey, 'Invalid confKey: ');
      const props = objectBody(req.body);
      // The stored props only matter when the client sent a mask back; look them up lazily.
      const stored = hasMask(props) ? storedProps(kind, name, confKey) : undefined;
      await prefixed('', () => engine.putConfKey(kind, name, confKey, unmaskSecrets(props, stored)));
      return reply.code(200).send();
    });

    app.delete<ConfKeyParams>(`/metadata/${kind}/:name/confKeys/:confKey`, async (req, reply) => {
      const { name, confKey } = req.params;
      validateId(confKey, 'Invalid confKey: ');
      await prefixed('', () => engine.deleteConfKey(kind, name, confKey));
      return reply.code(200).send();
    });
  }

  function storedProps(kind: ConfKind, type: string, confKey: string): Record<string, unknown> | undefined {
    try {
      return engine.listConfKeys(kind, type)[confKey];
    } catch {
      // An unknown type has nothing stored; putConfKey reports the real problem.
      return undefined;
    }
  }
}

function hasMask(props: Record<string, unknown>): boolean {
  return JSON.stringify(props).includes('"******"');
}
