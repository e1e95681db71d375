import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApp } from '../test/fake-engine.js';

describe('metadata routes', () => {
  it('list scan sources by default and lookup sources on request', async () => {
    const { app } = fakeApp();
    assert.deepEqual((await app.inject({ method: 'GET', url: '/metadata/sources' })).json(), [
      { name: 'mqtt', about: 'mqtt source', type: 'internal' },
    ]);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/metadata/sources?kind=LOOKUP' })).json()[0].name, 'memory');
    assert.deepEqual((await app.inject({ method: 'GET', url: '/metadata/sinks' })).json()[0].name, 'log');
  });

  it('give connector metadata, 404 for an unknown one', async () => {
    const { app } = fakeApp();
    assert.equal((await app.inject({ method: 'GET', url: '/metadata/sources/mqtt' })).json().about.description, 'mqtt');
    assert.equal((await app.inject({ method: 'GET', url: '/metadata/sinks/log' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/metadata/sinks/nope' })).statusCode, 404);
  });

  it('list conf keys with passwords and tokens masked, nested ones too', async () => {
    const { app, engine } = fakeApp();
    engine.putConfKey('sources', 'mqtt', 'default', {
      server: 'tcp://127.0.0.1:1883',
      password: 'p@ss',
      accessToken: 'tok',
      tls: { keyPassword: 'k' },
      emptyPassword: '',
    });
    const res = await app.inject({ method: 'GET', url: '/metadata/sources/yaml/mqtt' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(res.json(), {
      default: { server: 'tcp://127.0.0.1:1883', password: '******', accessToken: '******', tls: { keyPassword: '******' }, emptyPassword: '' },
    });
  });

  it('create a conf key with an empty 200', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'PUT', url: '/metadata/sinks/mqtt/confKeys/prod', payload: { server: 'tcp://h:1883' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.deepEqual(engine.calls.at(-1), ['putConfKey', 'sinks', 'mqtt', 'prod', { server: 'tcp://h:1883' }]);
  });

  it('keep a stored secret when the client sends the mask back', async () => {
    const { app, engine } = fakeApp();
    engine.putConfKey('connections', 'mqtt', 'c1', { server: 'tcp://a:1883', password: 'secret' });
    await app.inject({ method: 'PUT', url: '/metadata/connections/mqtt/confKeys/c1', payload: { server: 'tcp://b:1883', password: '******' } });
    assert.deepEqual(engine.confKeys.get('connections.mqtt')?.['c1'], { server: 'tcp://b:1883', password: 'secret' });
    await app.inject({ method: 'PUT', url: '/metadata/connections/mqtt/confKeys/c1', payload: { password: 'new' } });
    assert.deepEqual(engine.confKeys.get('connections.mqtt')?.['c1'], { password: 'new' });
  });

  it('delete a conf key, 404 when missing', async () => {
    const { app, engine } = fakeApp();
    engine.putConfKey('sources', 'mqtt', 'k1', {});
    const res = await app.inject({ method: 'DELETE', url: '/metadata/sources/mqtt/confKeys/k1' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.equal((await app.inject({ method: 'DELETE', url: '/metadata/sources/mqtt/confKeys/k1' })).statusCode, 404);
  });

  it('refuse an invalid conf key name and a non-object body', async () => {
    const { app } = fakeApp();
    const bad = await app.inject({ method: 'PUT', url: '/metadata/sources/mqtt/confKeys/a.b', payload: {} });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /^Invalid confKey: /);
    const arr = await app.inject({ method: 'PUT', url: '/metadata/sources/mqtt/confKeys/ab', payload: [1] });
    assert.equal(arr.statusCode, 400);
  });

  it('report engine conf key errors with code 5000', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'GET', url: '/metadata/sinks/yaml/unknown' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 5000);
  });
});
