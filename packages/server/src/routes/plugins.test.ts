import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OortError } from '@oort/engine';
import { fakeApp } from '../test/fake-engine.js';

const ZIP = 'file:///tmp/plugins/mysql.zip';

describe('plugin routes', () => {
  it('install a plugin with 201 and eKuiper text', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'mysql', file: ZIP, shellParas: ['-x'] } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.body, 'sinks plugin mysql is created');
    assert.deepEqual(engine.calls.at(-1), ['plugins.install', 'sinks', { name: 'mysql', file: ZIP, shellParas: ['-x'] }]);
  });

  it('say "portable plugin" for portables', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/plugins/portables', payload: { name: 'pyjson', file: ZIP } });
    assert.equal(res.body, 'portable plugin pyjson is created');
  });

  it('report an install failure as a prefixed plugin error', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/plugins/sources', payload: { name: 'x', file: 'file:///x.tar' } });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { error: 6100, message: 'sources plugins create command error: invalid file file:///x.tar: must be a .zip' });
  });

  it('validate the plugin name and the body fields', async () => {
    const { app, engine } = fakeApp();
    assert.equal((await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'my sql', file: ZIP } })).statusCode, 400);
    const bad = await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'm', file: ZIP, shellParas: 'x' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /shellParas must be an array of strings/);
    const iso = await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'm', file: ZIP, isolation: 'vm' } });
    assert.equal(iso.statusCode, 400);
    assert.equal(engine.calls.length, 0);
  });

  it('answer an unknown plugin type with 404', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/plugins/widgets' });
    assert.equal(res.statusCode, 404);
    assert.match(res.json().message, /unknown plugin type widgets/);
  });

  it('list, describe, update and delete plugins', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/plugins/functions', payload: { name: 'geo', file: ZIP, functions: ['dist', 'area'] } });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/functions' })).json(), ['geo']);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/functions/geo' })).json(), {
      name: 'geo',
      version: '1.0.0',
      functions: ['dist', 'area'],
    });
    const missing = await app.inject({ method: 'GET', url: '/plugins/functions/nope' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().message, 'describe functions plugin nope error: not found');
    const put = await app.inject({ method: 'PUT', url: '/plugins/functions/geo', payload: { file: ZIP, functions: ['dist'] } });
    assert.equal(put.statusCode, 200);
    assert.equal(put.body, 'functions plugin geo is updated');
    const del = await app.inject({ method: 'DELETE', url: '/plugins/functions/geo' });
    assert.equal(del.statusCode, 200);
    assert.equal(del.body, 'functions plugin geo is deleted');
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/functions' })).json(), []);
  });

  it('refuse a PUT whose body names another plugin', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'a', file: ZIP } });
    const res = await app.inject({ method: 'PUT', url: '/plugins/sinks/a', payload: { name: 'b', file: ZIP } });
    assert.equal(res.statusCode, 400);
  });

  it('list portables as objects', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/plugins/portables', payload: { name: 'py', file: ZIP } });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/portables' })).json(), [{ name: 'py', version: '1.0.0' }]);
  });

  it('list plugin functions and find the plugin of one', async () => {
    const { app } = fakeApp();
    await app.inject({ method: 'POST', url: '/plugins/functions', payload: { name: 'geo', file: ZIP, functions: ['dist'] } });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/udfs' })).json(), ['dist']);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/plugins/udfs/dist' })).json(), { name: 'dist', plugin: 'geo' });
    const missing = await app.inject({ method: 'GET', url: '/plugins/udfs/nope' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().message, 'describe function nope error: not found');
  });

  it('pass asynchronous engine failures through the error mapping', async () => {
    const { app, engine } = fakeApp();
    engine.failNext = { method: 'plugins.install', error: new OortError('PLUGIN_DOWNLOAD', 'timeout') };
    const res = await app.inject({ method: 'POST', url: '/plugins/sinks', payload: { name: 'a', file: ZIP } });
    assert.deepEqual(res.json(), { error: 6102, message: 'sinks plugins create command error: timeout' });
  });
});

describe('portable plugin status', () => {
  it('answers eKuiper\'s {refCount, status, errMsg} for an installed portable and 404 otherwise', async () => {
    const { app, engine } = fakeApp();
    await engine.plugins.install('portables', { name: 'pyplug', file: 'http://127.0.0.1/x.zip' });
    let res = await app.inject({ method: 'GET', url: '/plugins/portables/pyplug/status' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { refCount: {}, status: 'running', errMsg: '' });
    res = await app.inject({ method: 'GET', url: '/plugins/portables/nope/status' });
    assert.equal(res.statusCode, 404);
  });
});
