import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';
import { objectBody, stringField } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateId } from '../validate-id.js';
import { SchemaStore, SCHEMA_TYPES, type SchemaInfo } from './schema-store.js';
import { parseFormData } from './multipart.js';
import { readUrlBytes } from '../file-url.js';

const TEXT = 'text/plain; charset=utf-8';
type TypeParams = { Params: { type: string } };
type NameParams = { Params: { type: string; name: string } };

/**
 * `/schemas/{type}`: the schema registry (protobuf `.proto` files under
 * `<dataDir>/schemas/<type>/`). Files are stored and served; decoding FORMAT="protobuf"
 * streams with them is not supported yet.
 */
export function schemaRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { config } = ctx;
  const store = new SchemaStore(config.dataDir);

  app.get<TypeParams>('/schemas/:type', async (req) => {
    knownType(req.params.type);
    return store.list(req.params.type);
  });

  app.post<TypeParams>('/schemas/:type', async (req, reply) => {
    const { type } = req.params;
    const info = schemaBody(req.body, type);
    validateId(info.name);
    knownType(type);
    const content = await contentOf(info);
    await prefixed('schema create command error', async () => {
      if ((await store.get(type, info.name)) !== undefined) throw new OortError('UNDEFINED', `schema ${type}.${info.name} already registered`);
      await store.put(info, content, info.file);
    });
    return reply.code(201).type(TEXT).send(`${type} schema ${info.name} is created`);
  });

  app.get<NameParams>('/schemas/:type/:name', async (req) => {
    const { type, name } = req.params;
    validateId(name);
    knownType(type, 'in registry');
    const got = await store.get(type, name);
    if (got === undefined) throw new OortError('UNDEFINED', `schema type ${type} id ${name} not found in registry`);
    return got;
  });

  app.put<NameParams>('/schemas/:type/:name', async (req, reply) => {
    const { type, name } = req.params;
    validateId(name);
    const info = schemaBody(req.body, type, name);
    if (info.type !== type || info.name !== name) throw new OortError('UNDEFINED', 'Invalid body: Type or name does not match');
    knownType(type);
    const content = await contentOf(info);
    await prefixed('schema update command error', async () => {
      const old = await store.get(type, name);
      if (old?.version && old.version > (info.version ?? '')) {
        throw new OortError('UNDEFINED', `schema ${type}.${name} already registered with a newer version ${old.version}`);
      }
      await store.put(info, content, info.file);
    });
    return reply.type(TEXT).send(`${type} schema ${name} is updated`);
  });

  app.delete<NameParams>('/schemas/:type/:name', async (req, reply) => {
    const { type, name } = req.params;
    validateId(name);
    await prefixed(`delete ${type} schema ${name} error`, async () => {
      knownType(type);
      if (!(await store.delete(type, name))) throw new OortError('UNDEFINED', `schema ${type}.${name} not found`);
    });
    return reply.type(TEXT).send(`${type} schema ${name} is deleted`);
  });

  // Multipart upload of the schema file: its own context so any body reaches the handler raw
  // (eKuiper answers 415, not 400, for a body that is not multipart).
  void app.register(async (sub) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    sub.put<NameParams>('/schemas/:type/:name/upload', async (req, reply) => {
      const { type, name } = req.params;
      validateId(name);
      const ct = req.headers['content-type'] ?? '';
      if (!/^multipart\/form-data\s*(;|$)/i.test(ct)) {
        return reply.code(415).type('application/json; charset=utf-8')
          .send(JSON.stringify({ error: 1000, message: 'Invalid content type: content type must be multipart/form-data' }));
      }
      const parts = await prefixed('Invalid multipart body', () => {
        const all = parseFormData(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), ct);
        const files = all.filter((p) => p.field === 'file');
        const versions = all.filter((p) => p.field === 'version');
        if (files.length === 0) throw new OortError('UNDEFINED', 'file field is required');
        if (files.length > 1) throw new OortError('UNDEFINED', 'file field must appear exactly once');
        if (versions.length > 1) throw new OortError('UNDEFINED', 'version field must not be repeated');
        if ((versions[0]?.data.length ?? 0) > 4096) throw new OortError('UNDEFINED', 'version field is too large');
        return { file: files[0]!, version: versions[0]?.data.toString('utf8') ?? '' };
      });
      if (!(SCHEMA_TYPES as readonly string[]).includes(type)) throw new OortError('UNDEFINED', `Invalid schema: unsupported schema type ${type}`);
      const info: SchemaInfo = { type, name, ...(parts.version ? { version: parts.version } : {}) };
      const created = await prefixed('schema upsert error', async () => {
        const old = await store.get(type, name);
        if (old?.version && old.version > parts.version) {
          throw new OortError('UNDEFINED', `schema ${type}.${name} already registered with a newer version ${old.version}`);
        }
        await store.put(info, parts.file.data.toString('utf8'));
        return old === undefined;
      });
      return reply.code(created ? 201 : 200).header('Location', `/schemas/${type}/${name}`).send({ type, name });
    });
  });

  async function contentOf(info: SchemaInfo): Promise<string> {
    if (info.file === undefined) return info.content ?? '';
    if (new URL(info.file).pathname.toLowerCase().endsWith('.zip')) {
      throw new OortError('BAD_REQUEST', 'Invalid body: schema zip archives are not supported yet; give a .proto file or its content');
    }
    const bytes = await prefixed('Fail to read file', () => readUrlBytes(info.file!, config));
    return bytes.toString('utf8');
  }
}

function knownType(type: string, where = ''): void {
  if (!(SCHEMA_TYPES as readonly string[]).includes(type)) {
    throw new OortError('UNDEFINED', `schema type ${type} not found${where ? ` ${where}` : ''}`);
  }
}

/** eKuiper's `schema.Info` checks, with its messages. */
function schemaBody(body: unknown, type: string, name?: string): SchemaInfo {
  const b = objectBody(body, 'Invalid body: Error decoding schema json');
  const info: SchemaInfo = { type: stringField(b, 'type') || type, name: stringField(b, 'name') || (name ?? '') };
  const content = stringField(b, 'content');
  const file = stringField(b, 'file');
  const soFile = stringField(b, 'soFile');
  const version = stringField(b, 'version');
  if (content) info.content = content;
  if (file) info.file = file;
  if (version) info.version = version;
  const invalid = (m: string) => new OortError('UNDEFINED', `Invalid body: ${m}`);
  if (info.name === '') throw invalid('name is required');
  if (content && file) throw invalid('cannot specify both content and file');
  if (soFile) throw invalid('soFile (custom Go schemas) is not supported');
  if (!(SCHEMA_TYPES as readonly string[]).includes(info.type)) throw invalid(`unsupported schema type ${info.type}`);
  if (!content && !file) throw invalid('must specify content or file');
  if (file) {
    try {
      new URL(file);
    } catch {
      throw invalid(`invalid file URL ${file}`);
    }
  }
  return info;
}
