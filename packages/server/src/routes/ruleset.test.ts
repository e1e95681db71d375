import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fakeApp, testConfig } from '../test/fake-engine.js';

const RULESET = {
  streams: { demo: 'CREATE STREAM demo () WITH (DATASOURCE="demo")' },
  tables: {},
  rules: { r1: JSON.stringify({ id: 'r1', sql: 'SELECT * FROM demo', actions: [{ log: {} }] }) },
};

function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oort-ruleset-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('ruleset routes', () => {
  it('export streams, tables and rules as an attachment', async () => {
    const { app, engine } = fakeApp();
    engine.importRuleset(JSON.stringify(RULESET));
    const res = await app.inject({ method: 'POST', url: '/ruleset/export' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.match(res.headers['content-disposition'] as string, /^attachment; filename="ekuiper_export.json"/);
    assert.deepEqual(JSON.parse(res.body), RULESET);
  });

  it('import from content and report the counts', async () => {
    const { app, engine } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { content: JSON.stringify(RULESET) } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'imported 1 streams, 0 tables and 1 rules');
    assert.ok(engine.rules.has('r1'));
  });

  it('refuse both content and file, or neither', async () => {
    const { app } = fakeApp();
    const both = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { content: '{}', file: 'file:///x' } });
    assert.equal(both.statusCode, 400);
    assert.match(both.json().message, /Cannot specify both content and file/);
    const neither = await app.inject({ method: 'POST', url: '/ruleset/import', payload: {} });
    assert.equal(neither.statusCode, 400);
    assert.match(neither.json().message, /must specify content or file/);
  });

  it('import from a file:// URL inside the uploads folder', () =>
    withDataDir(async (dataDir) => {
      mkdirSync(join(dataDir, 'uploads'));
      const file = join(dataDir, 'uploads', 'rs.json');
      writeFileSync(file, JSON.stringify(RULESET));
      const { app } = fakeApp({ config: testConfig({ dataDir }) });
      const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: pathToFileURL(file).href } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, 'imported 1 streams, 0 tables and 1 rules');
    }));

  it('refuse a file outside the uploads folder unless external access is allowed', () =>
    withDataDir(async (dataDir) => {
      const file = join(dataDir, 'rs.json');
      writeFileSync(file, JSON.stringify(RULESET));
      const url = pathToFileURL(file).href;
      const jailed = fakeApp({ config: testConfig({ dataDir }) });
      const res = await jailed.app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: url } });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().message, /^Fail to read file: .*outside/);
      const open = fakeApp({ config: testConfig({ dataDir, overrides: { basic: { allowExternalFileAccess: true } } }) });
      const ok = await open.app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: url } });
      assert.equal(ok.statusCode, 200);
    }));

  it('refuse uploads-folder escapes through ..', () =>
    withDataDir(async (dataDir) => {
      mkdirSync(join(dataDir, 'uploads'));
      writeFileSync(join(dataDir, 'secret.json'), '{}');
      const { app } = fakeApp({ config: testConfig({ dataDir }) });
      const res = await app.inject({
        method: 'POST',
        url: '/ruleset/import',
        payload: { file: `file://${join(dataDir, 'uploads')}/../secret.json` },
      });
      assert.equal(res.statusCode, 400);
    }));

  it('refuse downloads from loopback addresses once the API listens beyond loopback, unless private networks are enabled', async () => {
    const { app } = fakeApp({ config: testConfig({ overrides: { basic: { restIp: '0.0.0.0' } } }) });
    const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: 'http://127.0.0.1:1/rs.json' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /127\.0\.0\.1/);
    assert.match(res.json().message, /enablePrivateNet/);
  });

  it('allow downloads from loopback while the API listens on loopback only (the tutorial\'s local file server)', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: 'http://127.0.0.1:1/rs.json' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /ECONNREFUSED/);
  });

  it('refuse other URL schemes', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { file: 'ftp://host/rs.json' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /unsupported URL scheme ftp:/);
  });

  it('pass engine import errors through with the eKuiper prefix', async () => {
    const { app } = fakeApp();
    const res = await app.inject({ method: 'POST', url: '/ruleset/import', payload: { content: 'not json' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /^Import ruleset error: invalid ruleset/);
  });
});
