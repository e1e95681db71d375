import type { FastifyInstance } from 'fastify';
import { OortError, type PluginInstallRequest, type PluginType } from '@oort/engine';
import { objectBody } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';

const TYPES: readonly PluginType[] = ['sources', 'sinks', 'functions', 'portables'];
const TEXT = 'text/plain; charset=utf-8';
const ISOLATIONS = ['inprocess', 'worker', 'process'];

type TypeParams = { Params: { type: string } };
type NameParams = { Params: { type: string; name: string } };

/** `/plugins/…`: install, list, describe, update and remove plugins, and list plugin functions. */
export function pluginRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const plugins = ctx.engine.plugins;

  // Static paths: the router prefers them over `/plugins/:type`.
  app.get('/plugins/udfs', async () => plugins.udfs());
  app.get<{ Params: { name: string } }>('/plugins/udfs/:name', async (req) => {
    validateId(req.params.name);
    return prefixed(`describe function ${req.params.name} error`, () => plugins.udf(req.params.name));
  });

  app.get<{ Params: { name: string } }>('/plugins/portables/:name/status', async (req) => {
    validateId(req.params.name);
    return prefixed(`get portable plugin ${req.params.name} status error`, () => plugins.portableStatus(req.params.name));
  });
  app.get<TypeParams>('/plugins/:type', async (req) => plugins.list(pluginType(req.params.type)));

  app.post<TypeParams>('/plugins/:type', async (req, reply) => {
    const type = pluginType(req.params.type);
    const body = installRequest(req.body, type);
    validateId(body.name);
    await prefixed(`${label(type)} plugins create command error`, () => plugins.install(type, body));
    return reply.code(201).type(TEXT).send(`${label(type)} plugin ${body.name} is created`);
  });

  app.get<NameParams>('/plugins/:type/:name', async (req) => {
    const type = pluginType(req.params.type);
    validateId(req.params.name);
    return prefixed(`describe ${label(type)} plugin ${req.params.name} error`, () => plugins.get(type, req.params.name));
  });

  app.put<NameParams>('/plugins/:type/:name', async (req, reply) => {
    const type = pluginType(req.params.type);
    const { name } = req.params;
    validateId(name);
    const body = installRequest(req.body, type);
    if (body.name !== '' && body.name !== name) {
      throw new OortError('PLUGIN', `update ${label(type)} plugin ${name} error: name ${body.name} in the body does not match the path`);
    }
    await prefixed(`update ${label(type)} plugin ${name} error`, () => plugins.update(type, name, { ...body, name }));
    return reply.type(TEXT).send(`${label(type)} plugin ${name} is updated`);
  });

  app.delete<NameParams>('/plugins/:type/:name', async (req, reply) => {
    const type = pluginType(req.params.type);
    const { name } = req.params;
    validateId(name);
    await prefixed(`delete ${label(type)} plugin ${name} error`, () => plugins.remove(type, name));
    return reply.type(TEXT).send(`${label(type)} plugin ${name} is deleted`);
  });
}

function pluginType(t: string): PluginType {
  if (!(TYPES as readonly string[]).includes(t)) {
    throw new OortError('NOT_FOUND', `unknown plugin type ${t}: use one of ${TYPES.join(', ')}`);
  }
  return t as PluginType;
}

/** eKuiper's messages say "sources plugin x", but "portable plugin x". */
function label(type: PluginType): string {
  return type === 'portables' ? 'portable' : type;
}

function installRequest(raw: unknown, type: PluginType): PluginInstallRequest {
  const prefix = `Invalid body: Error decoding the ${label(type)} plugin json`;
  const body = objectBody(raw, prefix);
  const str = (k: string): string | undefined => {
    const v = body[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new OortError('BAD_REQUEST', `${prefix}: ${k} must be a string`);
    return v;
  };
  const strings = (k: string): string[] | undefined => {
    const v = body[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new OortError('BAD_REQUEST', `${prefix}: ${k} must be an array of strings`);
    }
    return v as string[];
  };
  const req: PluginInstallRequest = { name: str('name') ?? '', file: str('file') ?? '' };
  const sha256 = str('sha256');
  if (sha256 !== undefined) req.sha256 = sha256;
  const shellParas = strings('shellParas');
  if (shellParas !== undefined) req.shellParas = shellParas;
  const functions = strings('functions');
  if (functions !== undefined) req.functions = functions;
  const isolation = str('isolation');
  if (isolation !== undefined) {
    if (!ISOLATIONS.includes(isolation)) {
      throw new OortError('BAD_REQUEST', `${prefix}: isolation must be one of ${ISOLATIONS.join(', ')}`);
    }
    req.isolation = isolation as PluginInstallRequest['isolation'];
  }
  return req;
}
