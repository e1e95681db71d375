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

interface AsyncTask {
  id: string;
  status: 'register' | 'running' | 'finish' | 'error' | 'cancel';
  message: string;
  createdTimestamp: number;
  updatedTimestamp: number;
}

/**
 * `/data/export`, `/data/import`, `/data/import/status`, the v2 (YAML) variants and `/async/data/import`: the whole
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

  type ImportQuery = { Querystring: { partial?: string; stop?: string } };

  app.post<ImportQuery>('/data/import', async (req) => runImport(await contentOrFile(req.body), req.query.partial === '1'));

  // The asynchronous variant: the same import in the background, polled by task id.
  const tasks = new Map<string, AsyncTask>();
  app.post<ImportQuery>('/async/data/import', async (req) => {
    const text = await contentOrFile(req.body);
    const partial = req.query.partial === '1';
    const now = Math.floor(Date.now() / 1000);
    let id = `dataImport-${now}`;
    for (let n = 1; tasks.has(id); n++) id = `dataImport-${now}-${n}`;
    const task: AsyncTask = { id, status: 'register', message: '', createdTimestamp: now, updatedTimestamp: now };
    tasks.set(id, task);
    const update = (status: AsyncTask['status'], message: string) => {
      // A cancelled task stays cancelled: the import itself cannot be interrupted half way.
      if (task.status === 'cancel') return;
      Object.assign(task, { status, message, updatedTimestamp: Math.floor(Date.now() / 1000) });
    };
    setImmediate(() => {
      update('running', '');
      runImport(text, partial).then(
        (result) => update('finish', JSON.stringify(result)),
        (err: Error) => update('error', `err:${err.message}, response:${JSON.stringify({ ErrorMsg: err.message, ConfigResponse: lastStatus })}`),
      );
    });
    return { id };
  });

  app.get<{ Params: { id: string } }>('/async/task/:id', async (req) => {
    const task = tasks.get(req.params.id);
    if (task === undefined) throw new OortError('UNDEFINED', `async task: ${req.params.id} not found`);
    return task;
  });

  app.post<{ Params: { id: string } }>('/async/task/:id/cancel', async (req, reply) => {
    const task = tasks.get(req.params.id);
    if (task === undefined) throw new OortError('UNDEFINED', `async task: ${req.params.id} not found`);
    Object.assign(task, { status: 'cancel', updatedTimestamp: Math.floor(Date.now() / 1000) });
    return reply.type('text/plain; charset=utf-8').send('cancel success');
  });

  /** Parses and imports; resolves to eKuiper's success body, rejects with its 400 error. */
  async function runImport(text: string, partial: boolean): Promise<{ ErrorMsg: string; ConfigResponse: Configuration }> {
    let doc: Configuration;
    try {
      doc = asConfiguration(JSON.parse(text));
    } catch (err) {
      // Checked before anything is dropped (eKuiper resets first and then fails to parse).
      throw new OortError('UNDEFINED', `configuration unmarshal with error ${(err as Error).message}`);
    }
    const errors = await serial(() => importConfiguration(env, doc, partial));
    lastStatus = errors;
    if (!isEmptyConfiguration(errors)) throw new OortError('UNDEFINED', JSON.stringify(errors));
    return { ErrorMsg: '', ConfigResponse: errors };
  }

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
