import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openTestApp } from './test-app.js';

const PROTO = 'syntax = "proto3";\nmessage Book { string name = 1; int64 id = 2; }\n';

test('POST /schemas/protobuf stores the .proto under <dataDir>/schemas/protobuf and GET serves it', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const res = await h.app.inject({ method: 'POST', url: '/schemas/protobuf', payload: { name: 'book', content: PROTO } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.body, 'protobuf schema book is created');
  const path = join(h.dataDir, 'schemas', 'protobuf', 'book.proto');
  assert.equal(readFileSync(path, 'utf8'), PROTO);

  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/schemas/protobuf' })).json(), ['book']);
  const one = await h.app.inject({ method: 'GET', url: '/schemas/protobuf/book' });
  assert.deepEqual(one.json(), { type: 'protobuf', name: 'book', content: PROTO, file: path });

  const dup = await h.app.inject({ method: 'POST', url: '/schemas/protobuf', payload: { name: 'book', content: PROTO } });
  assert.equal(dup.statusCode, 400);
  assert.deepEqual(dup.json(), { error: 1000, message: 'schema create command error: schema protobuf.book already registered' });
});

test('a schema can come from a file:// URL inside the uploads folder', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const up = await h.app.inject({ method: 'POST', url: '/config/uploads', payload: { name: 'b.proto', content: PROTO } });
  const res = await h.app.inject({ method: 'POST', url: '/schemas/protobuf', payload: { name: 'b2', file: pathToFileURL(up.body).href } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((await h.app.inject({ method: 'GET', url: '/schemas/protobuf/b2' })).json().content, PROTO);
});

test('PUT /schemas/{type}/{name} upserts with the version gate; DELETE removes it', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const put = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book', payload: { name: 'book', content: PROTO, version: '2' } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.body, 'protobuf schema book is updated');
  assert.equal((await h.app.inject({ method: 'GET', url: '/schemas/protobuf/book' })).json().version, '2');
  const older = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book', payload: { name: 'book', content: 'x', version: '1' } });
  assert.equal(older.statusCode, 400);
  assert.equal(older.json().message, 'schema update command error: schema protobuf.book already registered with a newer version 2');
  const mismatch = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book', payload: { name: 'other', content: 'x' } });
  assert.equal(mismatch.json().message, 'Invalid body: Type or name does not match');

  const del = await h.app.inject({ method: 'DELETE', url: '/schemas/protobuf/book' });
  assert.equal(del.statusCode, 200);
  assert.equal(del.body, 'protobuf schema book is deleted');
  const again = await h.app.inject({ method: 'DELETE', url: '/schemas/protobuf/book' });
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().message, 'delete protobuf schema book error: schema protobuf.book not found');
  const missing = await h.app.inject({ method: 'GET', url: '/schemas/protobuf/book' });
  assert.equal(missing.json().message, 'schema type protobuf id book not found in registry');
});

test('schema bodies are checked as eKuiper does', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const cases: [unknown, string][] = [
    [{ content: PROTO }, 'Invalid body: name is required'],
    [{ name: 'a' }, 'Invalid body: must specify content or file'],
    [{ name: 'a', content: 'x', file: 'file:///x.proto' }, 'Invalid body: cannot specify both content and file'],
  ];
  for (const [payload, message] of cases) {
    const res = await h.app.inject({ method: 'POST', url: '/schemas/protobuf', payload: payload as object });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().message, message);
  }
  const custom = await h.app.inject({ method: 'GET', url: '/schemas/custom' });
  assert.equal(custom.statusCode, 400);
  assert.equal(custom.json().message, 'schema type custom not found');
  const badName = await h.app.inject({ method: 'POST', url: '/schemas/protobuf', payload: { name: '../x', content: 'x' } });
  assert.equal(badName.statusCode, 400);
});

test('PUT /schemas/protobuf/{name}/upload takes a multipart file and version: 201 then 200, Location header, 415 otherwise', async (t) => {
  const h = await openTestApp();
  t.after(() => h.close());
  const b = 'xSchemaBoundary';
  const body = (version: string) => Buffer.from(
    `--${b}\r\nContent-Disposition: form-data; name="version"\r\n\r\n${version}\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="file"; filename="book.proto"\r\n\r\n${PROTO}\r\n--${b}--\r\n`,
  );
  const headers = { 'content-type': `multipart/form-data; boundary=${b}` };
  const first = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book/upload', headers, payload: body('1') });
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual(first.json(), { type: 'protobuf', name: 'book' });
  assert.equal(first.headers['location'], '/schemas/protobuf/book');
  const again = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book/upload', headers, payload: body('2') });
  assert.equal(again.statusCode, 200, again.body);
  const got = (await h.app.inject({ method: 'GET', url: '/schemas/protobuf/book' })).json();
  assert.equal(got.content, PROTO);
  assert.equal(got.version, '2');
  const older = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book/upload', headers, payload: body('1') });
  assert.equal(older.statusCode, 400);
  assert.match(older.json().message, /^schema upsert error: .*newer version 2/);

  const notMultipart = await h.app.inject({ method: 'PUT', url: '/schemas/protobuf/book/upload', payload: 'hello' });
  assert.equal(notMultipart.statusCode, 415);
  assert.equal(notMultipart.json().message, 'Invalid content type: content type must be multipart/form-data');
  const noFile = await h.app.inject({
    method: 'PUT', url: '/schemas/protobuf/book/upload', headers,
    payload: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="version"\r\n\r\n3\r\n--${b}--\r\n`),
  });
  assert.equal(noFile.statusCode, 400);
  assert.equal(noFile.json().message, 'Invalid multipart body: file field is required');
});
