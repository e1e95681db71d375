import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';
import { objectBody, stringField } from '../body.js';
import { prefixed } from '../http-errors.js';
import type { RouteContext } from '../route-context.js';
import { validateFileName } from './file-name.js';
import { parseMultipart } from './multipart.js';
import { readUrlBytes } from '../file-url.js';

const TEXT = 'text/plain; charset=utf-8';

/** The folder `/config/uploads` writes to; `file://` URLs are jailed to it. */
export function uploadsDir(dataDir: string): string {
  return resolve(dataDir, 'uploads');
}

/** Absolute paths of the uploaded files, sorted. */
export async function listUploads(dataDir: string): Promise<string[]> {
  const dir = uploadsDir(dataDir);
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return names.filter((d) => d.isFile()).map((d) => join(dir, d.name)).sort();
}

/** Writes one upload (overwriting) and returns its absolute path. */
export async function saveUpload(dataDir: string, name: string, data: Buffer | string): Promise<string> {
  validateFileName(name);
  const dir = uploadsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/**
 * `/config/uploads`: files rules and plugins may then reference with `file://` (plugin installs
 * and `file` fields are jailed to this folder unless `basic.allowExternalFileAccess`).
 */
export function uploadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { config } = ctx;
  const limit = Math.max(config.basic.maxRequestBodyBytes, config.plugins.maxDownloadBytes);

  // Encapsulated so the multipart parser only exists for these routes.
  void app.register(async (sub) => {
    sub.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) =>
      done(null, body),
    );

    sub.post('/config/uploads', { bodyLimit: limit }, async (req, reply) => {
      const type = req.headers['content-type'] ?? '';
      let path: string;
      if (/^multipart\/form-data/i.test(type)) {
        const parts = await prefixed('Error Retrieving the File', () => parseMultipart(req.body as Buffer, type));
        const file = parts.find((p) => p.field === 'uploadFile');
        if (file === undefined) throw new OortError('BAD_REQUEST', 'Error Retrieving the File: http: no such file');
        // Go's multipart FileName() keeps only the last path element; so do we.
        const name = file.filename.split(/[/\\]/).pop() ?? '';
        path = await prefixed('Error creating the file', () => saveUpload(config.dataDir, name, file.data));
      } else {
        const body = objectBody(req.body, 'Invalid body: Error decoding file json');
        const name = stringField(body, 'name');
        const content = stringField(body, 'content');
        const file = stringField(body, 'file');
        if (content === '' && file === '') {
          throw new OortError('BAD_REQUEST', 'Invalid body: Error validating file json: invalid body: content or FilePath is required');
        }
        if (name === '') throw new OortError('BAD_REQUEST', 'Invalid body: Error validating file json: invalid body: name is required');
        validateFileName(name);
        const data = file !== '' ? await prefixed('Fail to read file', () => readUrlBytes(file, config)) : content;
        path = await prefixed('Error creating the file', () => saveUpload(config.dataDir, name, data));
      }
      return reply.code(201).type(TEXT).send(path);
    });
  });

  app.get('/config/uploads', async () => listUploads(config.dataDir));

  app.delete<{ Params: { name: string } }>('/config/uploads/:name', async (req, reply) => {
    const { name } = req.params;
    await prefixed('Error deleting the file', async () => {
      validateFileName(name);
      const path = join(uploadsDir(config.dataDir), name);
      const st = await stat(path).catch(() => undefined);
      if (st === undefined || !st.isFile()) throw new OortError('GENERAL', `remove ${path}: no such file or directory`);
      await rm(path);
    });
    return reply.type(TEXT).send('ok');
  });
}
