import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openTestApp } from './test-app.js';

function multipart(field: string, filename: string, data: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const b = '----oortBoundary7MA4YWxk';
  const payload = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="other"\r\n\r\nignored\r\n`),
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

test('POST /config/uploads with content stores the file and answers 201 with its absolute path', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'a.json', content: '{"x":1}' } });
  assert.equal(res.statusCode, 201);
  assert.match(res.headers['content-type'] as string, /^text\/plain/);
  const path = join(h.dataDir, 'uploads', 'a.json');
  assert.equal(res.body, path);
  assert.equal(readFileSync(path, 'utf8'), '{"x":1}');
  // Overwriting is allowed.
  const again = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'a.json', content: 'y' } });
  assert.equal(again.statusCode, 201);
  assert.equal(readFileSync(path, 'utf8'), 'y');
});

test('POST /config/uploads takes a multipart uploadFile part byte for byte', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const data = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2d, 0x2d, 255, 254]);
  const res = await h.app.inject({ method: 'POST', url: '/config/uploads', ...multipart('uploadFile', 'plugin.zip', data) });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.body, join(h.dataDir, 'uploads', 'plugin.zip'));
  assert.deepEqual(readFileSync(res.body), data);

  const wrongField = await h.app.inject({ method: 'POST', url: '/config/uploads', ...multipart('file', 'x.zip', data) });
  assert.equal(wrongField.statusCode, 400);
  assert.equal(wrongField.json().message, 'Error Retrieving the File: http: no such file');
});

test('POST /config/uploads copies a file:// source from inside the uploads folder', async (t) => {
  const h = await openTestApp((c) => { c.basic.allowExternalFileAccess = false; });
  t.after(() => h.close());
  await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'src.txt', content: 'hello' } });
  const url = pathToFileURL(join(h.dataDir, 'uploads', 'src.txt')).href;
  const res = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'copy.txt', file: url } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(readFileSync(res.body, 'utf8'), 'hello');

  const outside = join(h.dataDir, 'secret.txt');
  writeFileSync(outside, 'no');
  const jailed = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'x.txt', file: pathToFileURL(outside).href } });
  assert.equal(jailed.statusCode, 400);
  assert.match(jailed.json().message, /^Fail to read file: .*outside/);
});

test('upload names with path separators or .. are refused with 400; multipart file names keep their last path element', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  for (const name of ['../evil', 'a/b', 'a\\b', '..', '']) {
    const res = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name, content: 'x' } });
    assert.equal(res.statusCode, 400, name);
    assert.equal(res.json().error, 6001);
  }
  const list = await h.app.inject({ method: 'GET', url: '/config/uploads' });
  assert.deepEqual(list.json(), []);
  // A multipart file name keeps only its last path element, as Go's FileName() does.
  const nested = await h.app.inject({ method: 'POST', url: '/config/uploads', ...multipart('uploadFile', '../../x.txt', Buffer.from('x')) });
  assert.equal(nested.statusCode, 201, nested.body);
  assert.equal(nested.body, join(h.dataDir, 'uploads', 'x.txt'));
  const dots = await h.app.inject({ method: 'POST', url: '/config/uploads', ...multipart('uploadFile', 'a/..', Buffer.from('x')) });
  assert.equal(dots.statusCode, 400);
});

test('POST /config/uploads without content or file is a 400 naming what is missing', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'a' } });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /content or FilePath is required/);
  const noName = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { content: 'a' } });
  assert.match(noName.json().message, /name is required/);
});

test('GET /config/uploads lists absolute paths and DELETE removes one with ok', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  for (const name of ['b.txt', 'a.txt']) {
    await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name, content: name } });
  }
  const list = await h.app.inject({ method: 'GET', url: '/config/uploads' });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json(), [join(h.dataDir, 'uploads', 'a.txt'), join(h.dataDir, 'uploads', 'b.txt')]);

  const del = await h.app.inject({ method: 'DELETE', url: '/config/uploads/a.txt' });
  assert.equal(del.statusCode, 200);
  assert.equal(del.body, 'ok');
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/config/uploads' })).json(), [join(h.dataDir, 'uploads', 'b.txt')]);

  const missing = await h.app.inject({ method: 'DELETE', url: '/config/uploads/a.txt' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.json().message, /^Error deleting the file: /);
});
