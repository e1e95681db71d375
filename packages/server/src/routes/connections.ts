import type { FastifyInstance } from 'fastify';
import { OortError, type EngineApi } from '@oort/engine';
import { objectBody, stringField } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';
import { allConfKeys, connectorTypes, type ConfEntry } from './conf-entries.js';

const TEXT = 'text/plain; charset=utf-8';
type IdParams = { Params: { id: string } };

interface ConnectionView {
  id: string;
  typ: string;
  props: Record<string, unknown>;
  isNamed: boolean;
  refCount?: number;
}

/**
 * `/connections`: named connections, stored as conf keys `connections.<typ>.<id>` and used
 * through `connectionSelector` in source conf keys and sink actions. Ids are unique across
 * types, as in eKuiper. Oort connects when a rule starts, so there is no per-connection
 * `status` here.
 */
export function connectionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  app.post('/connections', async (req, reply) => {
    const body = objectBody(req.body);
    const id = stringField(body, 'id');
    const typ = stringField(body, 'typ');
    validateId(id);
    await prefixed('create connection failed', () => {
      if (id === '' || typ === '') throw new OortError('UNDEFINED', 'connection id and type should be defined');
      if (find(engine, id) !== undefined) throw new OortError('UNDEFINED', `connection ${id} already been created`);
      if (!connectorTypes(engine).includes(typ)) throw new OortError('UNDEFINED', `unknown connection type ${typ}`);
      engine.putConfKey('connections', typ, id, props(body));
    });
    return reply.code(201).type(TEXT).send('success');
  });

  // `forceAll` would add rule-owned anonymous connections; Oort has none to list.
  app.get('/connections', async () => allConfKeys(engine, ['connections']).map((e) => view(engine, e)));

  app.get<IdParams>('/connections/:id', async (req) => {
    const { id } = req.params;
    validateId(id);
    const e = find(engine, id);
    if (e === undefined) throw new OortError('UNDEFINED', `connection ${id} not existed`);
    return view(engine, e);
  });

  app.put<IdParams>('/connections/:id', async (req, reply) => {
    const { id } = req.params;
    validateId(id);
    const body = objectBody(req.body);
    const typ = stringField(body, 'typ');
    await prefixed('update connection failed', () => {
      if (typ === '') throw new OortError('UNDEFINED', 'connection id and type should be defined');
      const old = find(engine, id);
      if (old === undefined) throw new OortError('UNDEFINED', `connection ${id} not existed`);
      refuseIfReferenced(engine, id);
      if (!connectorTypes(engine).includes(typ)) throw new OortError('UNDEFINED', `unknown connection type ${typ}`);
      engine.deleteConfKey('connections', old.type, id);
      engine.putConfKey('connections', typ, id, props(body));
    });
    return reply.type(TEXT).send('success');
  });

  app.delete<IdParams>('/connections/:id', async (req, reply) => {
    const { id } = req.params;
    validateId(id);
    await prefixed('drop connection failed', () => {
      const old = find(engine, id);
      // eKuiper answers success for an unknown id.
      if (old === undefined) return;
      refuseIfReferenced(engine, id);
      engine.deleteConfKey('connections', old.type, id);
    });
    return reply.type(TEXT).send('success');
  });
}

function props(body: Record<string, unknown>): Record<string, unknown> {
  const p = body['props'];
  if (p === undefined || p === null) return {};
  if (typeof p !== 'object' || Array.isArray(p)) throw new OortError('BAD_REQUEST', 'Invalid body: props must be a JSON object');
  return p as Record<string, unknown>;
}

function find(engine: EngineApi, id: string): ConfEntry | undefined {
  return allConfKeys(engine, ['connections']).find((e) => e.key === id);
}

function view(engine: EngineApi, e: ConfEntry): ConnectionView {
  const out: ConnectionView = { id: e.key, typ: e.type, props: e.props, isNamed: true };
  const refs = referencedBy(engine, e.key).length;
  if (refs > 0) out.refCount = refs;
  return out;
}

function refuseIfReferenced(engine: EngineApi, id: string): void {
  const refs = referencedBy(engine, id);
  if (refs.length > 0) throw new OortError('UNDEFINED', `connection ${id} can't be dropped due to rule references [${refs.join(' ')}]`);
}

/**
 * Rules that are running (or starting) and use the connection: through a sink action's
 * `connectionSelector`, or through the conf key of a stream they read.
 */
export function referencedBy(engine: EngineApi, id: string): string[] {
  const out: string[] = [];
  for (const r of engine.listRules()) {
    if (r.status !== 'running' && r.status !== 'starting') continue;
    let rule: { actions?: Record<string, Record<string, unknown>>[] };
    try {
      rule = engine.getRule(r.id) as typeof rule;
    } catch {
      continue;
    }
    const bySink = (rule.actions ?? []).some((a) => Object.values(a).some((p) => p?.['connectionSelector'] === id));
    if (bySink || readsThrough(engine, rule, id)) out.push(r.id);
  }
  return out;
}

function readsThrough(engine: EngineApi, rule: unknown, id: string): boolean {
  let sources: string[];
  try {
    sources = engine.validateRule(rule).sources;
  } catch {
    return false;
  }
  const tables = new Set(engine.listStreams('table'));
  return sources.some((name) => {
    const kind = tables.has(name) ? 'table' : 'stream';
    const opts = engine.describeStream(kind, name).Options as Record<string, unknown>;
    const type = typeof opts['type'] === 'string' && opts['type'] !== '' ? (opts['type'] as string) : kind === 'table' ? 'file' : 'mqtt';
    const confKey = typeof opts['confKey'] === 'string' ? opts['confKey'] : 'default';
    return engine.listConfKeys('sources', type)[confKey]?.['connectionSelector'] === id;
  });
}
