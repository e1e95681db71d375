import type { FastifyInstance } from 'fastify';
import type { StreamKind } from '@oort/engine';
import { objectBody, stringField } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';

type NameParams = { Params: { name: string } };
type KindQuery = { Querystring: { kind?: string } };
type ForceQuery = { Querystring: { force?: string } };

/** `/streams…` and `/tables…`: one handler family, as in eKuiper. */
export function streamRoutes(app: FastifyInstance, ctx: RouteContext): void {
  register(app, ctx, 'stream');
  register(app, ctx, 'table');
}

function register(app: FastifyInstance, ctx: RouteContext, kind: StreamKind): void {
  const { engine } = ctx;
  const base = `/${kind}s`;
  const title = kind === 'stream' ? 'Stream' : 'Table';
  const commandError = `${title} command error`;
  // Only tables have kinds; anything but scan/lookup means all of them.
  const tableKind = (q: { kind?: string }) =>
    kind === 'table' && (q.kind === 'scan' || q.kind === 'lookup') ? q.kind : undefined;

  app.get<KindQuery>(base, async (req) => prefixed(commandError, () => engine.listStreams(kind, tableKind(req.query))));

  app.post(base, async (req, reply) => {
    const sql = stringField(objectBody(req.body), 'sql');
    // The statement decides the kind, not the endpoint (eKuiper does not enforce it either).
    const created = await prefixed(commandError, () => engine.createStream(sql));
    const createdTitle = created.kind === 'stream' ? 'Stream' : 'Table';
    return reply.code(201).type('text/plain; charset=utf-8').send(`${createdTitle} ${created.name} is created.`);
  });

  app.get<KindQuery>(`/${kind}details`, async (req) =>
    prefixed(commandError, () => engine.streamDetails(kind, tableKind(req.query))),
  );

  app.get<NameParams>(`${base}/:name`, async (req) => {
    validateId(req.params.name);
    return prefixed(`describe ${kind} error`, () => engine.describeStream(kind, req.params.name));
  });

  app.put<NameParams>(`${base}/:name`, async (req, reply) => {
    const { name } = req.params;
    validateId(name);
    const sql = stringField(objectBody(req.body), 'sql');
    await prefixed(commandError, () => engine.replaceStream(kind, name, sql));
    return reply.type('text/plain; charset=utf-8').send(`${title} ${name} is replaced.`);
  });

  app.delete<NameParams & ForceQuery>(`${base}/:name`, async (req, reply) => {
    const { name } = req.params;
    validateId(name);
    await prefixed(`delete ${kind} error`, () => engine.dropStream(kind, name, parseBool(req.query.force)));
    return reply.type('text/plain; charset=utf-8').send(`${title} ${name} is dropped.`);
  });

  app.get<NameParams>(`${base}/:name/schema`, async (req) => {
    validateId(req.params.name);
    return prefixed(`get schema of ${kind} error`, () => engine.streamSchema(kind, req.params.name));
  });
}

/** Go's strconv.ParseBool truthy spellings. */
function parseBool(v: string | undefined): boolean {
  return v === '1' || v === 't' || v === 'T' || v === 'true' || v === 'TRUE' || v === 'True';
}
