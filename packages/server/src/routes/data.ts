import type { FastifyInstance, FastifyReply } from 'fastify';
import { OortError } from '@oort/engine';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { objectBody, stringField } from '../body.js';
import { readFileUrl } from '../file-url.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { asConfiguration, emptyConfiguration, isEmptyConfiguration, type Configuration } from './data-document.js';
import { exportAll, exportRules } from './data-export.js';
import { importConfiguration } from './data-import.js';
import { fromV2Document, toV2Document } from './data-yaml.js';
import { SchemaStore } from './schema-store.js';

/**
 * `/data/export`, `/data/import`, `/data/import/status` and the v2 (YAML) variants: the whole
 * configuration (streams, tables, rules, conf keys, connections, plugins, schemas, uploads) as
 * one document, in eKuiper's format.
 */
export function dataRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine, config } = ctx;
  const schemas = new SchemaStore(config.dataDir);
  const env = { engine, config, schemas, dataDir: config.dataDir };
  let lastStatus: Configuration = emptyConfiguration();
  // One import at a time: a second one would interleave its reset with the first one's creates.
  let importing: Promise<unknown> = Promise.resolve();

  const attachment = (reply: FastifyReply, name: string, body: string) =>
    reply.type('application/octet-stream').header('Content-Disposition', `attachment; filename="${name}"`).send(body);

  app.get('/data/export', async (_req, reply) => attachment(reply, 'ekuiper_export.json', JSON.stringify(await exportAll(env))));

  app.post('/data/export', async (req, reply) => {
    // eKuiper ignores a body it cannot decode and exports no rule.
    const ids = Array.isArray(req.body) ? req.body.filter((x): x is string => typeof x === 'string') : [];
    return attachment(reply, 'ekuiper_export.json', JSON.stringify(await exportRules(env, ids)));
  });

  app.get('/v2/data/export', async (_req, reply) =>
    attachment(reply, 'ekuiper_export.yaml', toYaml(toV2Document(await exportAll(env)))),
  );

  app.post<{ Querystring: { partial?: string; stop?: string } }>('/data/import', async (req) => {
    const text = await contentOrFile(req.body);
    let doc: Configuration;
    try {
      doc = asConfiguration(JSON.parse(text));
    } catch (err) {
      // Checked before anything is dropped (eKuiper resets first and then fails to parse).
      throw new OortError('UNDEFINED', `configuration unmarshal with error ${(err as Error).message}`);
    }
    const partial = req.query.partial === '1';
    const errors = await serial(() => importConfiguration(env, doc, partial));
    lastStatus = errors;
    if (!isEmptyConfiguration(errors)) throw new OortError('UNDEFINED', JSON.stringify(errors));
    return { ErrorMsg: '', ConfigResponse: errors };
  });

  app.get('/data/import/status', async () => lastStatus);

  app.post('/v2/data/import', async (req, reply) => {
    const text = await contentOrFile(req.body);
    const errors = await prefixed('import failed', async () => {
      let doc: Configuration;
      try {
        doc = fromV2Document(parseYaml(text));
      } catch (err) {
        throw new OortError('BAD_REQUEST', (err as Error).message);
      }
      return serial(() => importConfiguration(env, doc, true));
    });
    lastStatus = errors;
    if (!isEmptyConfiguration(errors)) throw new OortError('UNDEFINED', `import failed: ${JSON.stringify(errors)}`);
    return reply.type('text/plain; charset=utf-8').send('success');
  });

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = importing.then(fn, fn);
    importing = run.catch(() => undefined);
    return run;
  }

  async function contentOrFile(body: unknown): Promise<string> {
    const b = objectBody(body, 'Invalid body: Error decoding json');
    const content = stringField(b, 'content');
    const file = stringField(b, 'file');
    if (content !== '' && file !== '') throw new OortError('BAD_REQUEST', 'Invalid body: Cannot specify both content and file: bad request');
    if (content === '' && file === '') throw new OortError('BAD_REQUEST', 'Invalid body: must specify content or file: bad request');
    return file !== '' ? prefixed('Fail to read file', () => readFileUrl(file, config)) : content;
  }
}
