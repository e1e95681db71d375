import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sink } from '@oort/sdk';
import { MemoryKV } from '../store/memory-kv.js';
import type { OortError } from '../errors.js';
import { PluginManager, PLUGINS_NS, type PluginChange, type PluginManagerConfig } from './plugin-manager.js';
import {
  ctx,
  eventually,
  pluginZip,
  quietLogger,
  readText,
  renameInZip,
  serveFiles,
  sha256,
  sinkModule,
  tempData,
  writeFile,
  zipBuffer,
  type FileServer,
  type TempData,
} from './test-support.js';

async function openSink(pm: PluginManager, symbol: string): Promise<Sink> {
  const def = pm.resolveSink(symbol);
  assert.ok(def, `sink ${symbol} resolves`);
  const sink = def.create();
  const c = ctx();
  await sink.provision(c, {});
  await sink.connect(c, () => {});
  return sink;
}

const lines = (path: string) => (existsSync(path) ? readText(path).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const hasCode = (name: string, re?: RegExp) => (e: OortError) => {
  assert.equal(e.errorName, name, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

describe('PluginManager', () => {
  let t: TempData;
  let srv: FileServer;
  let kv: MemoryKV;
  const managers: PluginManager[] = [];
  const make = (config: PluginManagerConfig = {}) => {
    const pm = new PluginManager({ dataDir: t.dir, kv, logger: quietLogger(), config: { restListensOnLoopbackOnly: true, ...config } });
    managers.push(pm);
    return pm;
  };
  const out = (n: string) => join(t.dir, `${n}.jsonl`);

  before(async () => {
    t = tempData();
    srv = await serveFiles();
    kv = new MemoryKV();
  });
  after(async () => {
    for (const m of managers) await m.close();
    await srv.close();
    t.cleanup();
  });

  it('installs a sink from http and reports its version', async () => {
    const pm = make();
    srv.put('mysqlSink.zip', await pluginZip('mysql', { version: '1.0.0', sdk: '^1.0.0', sinks: ['mysql'] }, sinkModule('mysql', '1.0.0', out('mysql'))));
    const events: PluginChange[] = [];
    pm.onChange((e) => events.push(e));
    await pm.install('sinks', { name: 'mysql', file: srv.url('mysqlSink.zip') });
    assert.deepEqual(pm.get('sinks', 'mysql'), { name: 'mysql', version: '1.0.0' });
    assert.deepEqual(pm.list('sinks'), ['mysql']);
    assert.deepEqual(events, [{ type: 'sinks', name: 'mysql', action: 'installed' }]);
    assert.ok(existsSync(join(t.dir, 'plugins', 'sinks', 'mysql', '1.0.0', 'mysql.js')));
    const rec = JSON.parse(kv.get(PLUGINS_NS, 'sinks/mysql')!);
    assert.equal(rec.version, '1.0.0');
    assert.equal(rec.isolation, 'inprocess');
    const sink = await openSink(pm, 'mysql');
    await sink.collect(ctx(), { rows: [{ a: 1 }], props: {} });
    assert.deepEqual(lines(out('mysql')), [{ v: '1.0.0', a: 1, big: 'undefined' }]);
    assert.deepEqual(pm.status('sinks', 'mysql').state, 'running');
  });

  it('refuses to install the same name twice', async () => {
    const pm = managers[0]!;
    await assert.rejects(pm.install('sinks', { name: 'mysql', file: srv.url('mysqlSink.zip') }), hasCode('PLUGIN', /already exists/));
  });

  it('picks up an update without a restart and keeps old instances working until closed', async () => {
    const pm = managers[0]!;
    const old = await openSink(pm, 'mysql');
    srv.put('mysql-1.1.zip', await pluginZip('mysql', { version: '1.1.0', sdk: '^1.0.0', sinks: ['mysql'] }, sinkModule('mysql', '1.1.0', out('mysql'))));
    const events: PluginChange[] = [];
    pm.onChange((e) => events.push(e));
    await pm.update('sinks', 'mysql', { name: 'mysql', file: srv.url('mysql-1.1.zip') });
    assert.deepEqual(events, [{ type: 'sinks', name: 'mysql', action: 'updated' }]);
    assert.equal(pm.get('sinks', 'mysql').version, '1.1.0');
    const fresh = await openSink(pm, 'mysql');
    await fresh.collect(ctx(), { rows: [{ b: 2 }], props: {} });
    await old.collect(ctx(), { rows: [{ c: 3 }], props: {} });
    const got = lines(out('mysql'));
    assert.deepEqual(got.slice(-2), [{ v: '1.1.0', b: 2, big: 'undefined' }, { v: '1.0.0', c: 3, big: 'undefined' }]);
    assert.ok(existsSync(join(t.dir, 'plugins', 'sinks', 'mysql', '1.1.0')));
    await eventually(() => !existsSync(join(t.dir, 'plugins', 'sinks', 'mysql', '1.0.0')), 5000, 'old version folder removed');
  });

  it('reloads installed plugins in a new manager over the same data', async () => {
    const pm2 = make();
    await pm2.init();
    assert.deepEqual(pm2.get('sinks', 'mysql'), { name: 'mysql', version: '1.1.0' });
    const sink = await openSink(pm2, 'mysql');
    await sink.collect(ctx(), { rows: [{ d: 4 }], props: {} });
    assert.deepEqual(lines(out('mysql')).at(-1), { v: '1.1.0', d: 4, big: 'undefined' });
    await pm2.close();
  });

  it('deletes a plugin: it no longer resolves, its record and files are gone', async () => {
    const pm = managers[0]!;
    const events: PluginChange[] = [];
    pm.onChange((e) => events.push(e));
    await pm.remove('sinks', 'mysql');
    assert.equal(pm.resolveSink('mysql'), undefined);
    assert.throws(() => pm.get('sinks', 'mysql'), hasCode('NOT_FOUND'));
    assert.equal(kv.get(PLUGINS_NS, 'sinks/mysql'), undefined);
    assert.deepEqual(events, [{ type: 'sinks', name: 'mysql', action: 'deleted' }]);
    assert.equal(existsSync(join(t.dir, 'plugins', 'sinks', 'mysql')), false);
    await assert.rejects(pm.remove('sinks', 'mysql'), hasCode('NOT_FOUND'));
  });

  it('installs from a file:// URL inside the uploads folder and refuses one outside it', async () => {
    const pm = make();
    const zip = await pluginZip('filesink', { version: '0.1.0', sinks: ['filesink'] }, sinkModule('filesink', '0.1.0', out('filesink')));
    writeFile(join(t.dir, 'uploads', 'filesink.zip'), zip);
    writeFile(join(t.dir, 'elsewhere', 'filesink.zip'), zip);
    await assert.rejects(
      pm.install('sinks', { name: 'filesink', file: pathToFileURL(join(t.dir, 'elsewhere', 'filesink.zip')).href }),
      hasCode('BAD_REQUEST', /outside/),
    );
    await pm.install('sinks', { name: 'filesink', file: pathToFileURL(join(t.dir, 'uploads', 'filesink.zip')).href });
    assert.equal(pm.get('sinks', 'filesink').version, '0.1.0');
  });

  it('verifies the sha256 when given and refuses a mismatch naming both digests', async () => {
    const pm = make();
    const zip = await pluginZip('shasink', { version: '1.0.0', sinks: ['shasink'] }, sinkModule('shasink', '1.0.0', out('sha')));
    srv.put('sha.zip', zip);
    const wrong = '0'.repeat(64);
    await assert.rejects(
      pm.install('sinks', { name: 'shasink', file: srv.url('sha.zip'), sha256: wrong }),
      hasCode('PLUGIN_ARCHIVE', new RegExp(`expected ${wrong}, got ${sha256(zip)}`)),
    );
    assert.deepEqual(pm.list('sinks').includes('shasink' as never), false);
    await pm.install('sinks', { name: 'shasink', file: srv.url('sha.zip'), sha256: sha256(zip).toUpperCase() });
    assert.equal(pm.get('sinks', 'shasink').version, '1.0.0');
  });

  it('refuses a zip-slip archive and leaves nothing behind', async () => {
    const pm = make();
    const good = await pluginZip('slip', { version: '1.0.0', sinks: ['slip'] }, 'export default {}', [{ name: 'aa/pwned.txt', content: 'x' }]);
    srv.put('slip.zip', renameInZip(good, 'aa/pwned.txt', '../pwned.txt'));
    await assert.rejects(pm.install('sinks', { name: 'slip', file: srv.url('slip.zip') }), hasCode('PLUGIN_ARCHIVE', /\.\./));
    assert.equal(existsSync(join(t.dir, 'plugins', 'pwned.txt')), false);
    assertNoLeftovers();
  });

  it('refuses a download over the size limit', async () => {
    const pm = make({ maxDownloadBytes: 1000 });
    srv.put('big.zip', await pluginZip('big', { version: '1.0.0', sinks: ['big'] }, 'export default {}', [{ name: 'pad.bin', content: randomish(5000) }]));
    await assert.rejects(pm.install('sinks', { name: 'big', file: srv.url('big.zip') }), hasCode('PLUGIN_DOWNLOAD', /larger than the limit of 1000/));
    assertNoLeftovers();
  });

  it('refuses a download that takes too long', async () => {
    const pm = make({ downloadTimeoutMs: 300 });
    await assert.rejects(pm.install('sinks', { name: 'slow', file: srv.url('slow/slow.zip') }), hasCode('PLUGIN_DOWNLOAD', /longer than 300 ms/));
    assertNoLeftovers();
  });

  it('refuses private addresses unless allowed', async () => {
    const pm = make({ restListensOnLoopbackOnly: false, enablePrivateNet: false });
    await assert.rejects(pm.install('sinks', { name: 'priv', file: srv.url('x.zip') }), hasCode('PLUGIN_DOWNLOAD', /private address 127\.0\.0\.1/));
  });

  it('refuses a malformed archive', async () => {
    const pm = make();
    srv.put('bad.zip', Buffer.from('PK\u0003\u0004 definitely not a real zip file'));
    await assert.rejects(pm.install('sinks', { name: 'bad', file: srv.url('bad.zip') }), hasCode('PLUGIN_ARCHIVE'));
    assertNoLeftovers();
  });

  it('refuses a plugin built for another sdk major before running any of its code', async () => {
    const pm = make();
    const marker = join(t.dir, 'marker-imported');
    const main = `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'ran'); export default { sinks: { future: { create() {} } } };`;
    srv.put('future.zip', await pluginZip('future', { version: '1.0.0', sdk: '^2.0.0', sinks: ['future'] }, main));
    await assert.rejects(
      pm.install('sinks', { name: 'future', file: srv.url('future.zip') }),
      hasCode('PLUGIN_INCOMPATIBLE', /plugin future needs @oort\/sdk \^2\.0\.0 but this server provides \d+\.\d+\.\d+$/),
    );
    assert.equal(existsSync(marker), false);
    assertNoLeftovers();
  });

  it('refuses a module that does not export the declared symbols, leaving nothing installed', async () => {
    const pm = make();
    srv.put('liar.zip', await pluginZip('liar', { version: '1.0.0', sinks: ['liar'] }, 'export default { sinks: {} };'));
    await assert.rejects(pm.install('sinks', { name: 'liar', file: srv.url('liar.zip') }), hasCode('PLUGIN', /does not export the declared sink liar/));
    assert.equal(existsSync(join(t.dir, 'plugins', 'sinks', 'liar')), false);
    assert.equal(kv.get(PLUGINS_NS, 'sinks/liar'), undefined);
  });

  it('refuses install.sh unless install scripts are allowed, and runs it when they are', async () => {
    const zip = await pluginZip('scripted', { version: '1.0.0', sinks: ['scripted'] }, sinkModule('scripted', '1.0.0', out('scripted')), [
      { name: 'install.sh', content: 'echo done > installed.txt\n' },
    ]);
    srv.put('scripted.zip', zip);
    await assert.rejects(make().install('sinks', { name: 'scripted', file: srv.url('scripted.zip') }), hasCode('PLUGIN', /allowInstallScripts/));
    await make({ allowInstallScripts: true }).install('sinks', { name: 'scripted', file: srv.url('scripted.zip') });
    assert.ok(existsSync(join(t.dir, 'plugins', 'sinks', 'scripted', '1.0.0', 'installed.txt')));
  });

  it('accepts eKuiper naming: Name@v1.2.0.js with no manifest', async () => {
    const pm = make();
    srv.put('ek.zip', await zipBuffer([{ name: 'Ekfile@v1.2.0.js', content: sinkModule('Ekfile', '1.2.0', out('ek')) }]));
    await pm.install('sinks', { name: 'ekfile', file: srv.url('ek.zip') });
    assert.deepEqual(pm.get('sinks', 'ekfile'), { name: 'ekfile', version: '1.2.0' });
    assert.ok(pm.resolveSink('ekfile'));
  });

  it('installs a function plugin and lists its functions', async () => {
    const pm = make();
    const main = `export default { functions: {
      celsius: { type: 'scalar', exec: (_c, [f]) => (Number(f) - 32) / 1.8 },
      total: { type: 'aggregate', exec: (_c, [xs]) => xs.reduce((a, b) => a + b, 0) },
    } };`;
    srv.put('conv.zip', await pluginZip('conv', { version: '2.0.0', functions: ['celsius', 'total'] }, main));
    await pm.install('functions', { name: 'conv', file: srv.url('conv.zip') });
    assert.deepEqual(pm.get('functions', 'conv'), { name: 'conv', version: '2.0.0', functions: ['celsius', 'total'] });
    assert.ok(pm.udfs().includes('celsius'));
    assert.deepEqual(pm.udf('TOTAL'), { name: 'total', plugin: 'conv' });
    const f = pm.resolveFunction('Celsius');
    assert.equal(f?.exec({ ...ctx(), funcId: 0 }, [212]), 100);
    assert.equal(pm.resolveFunction('total')?.type, 'aggregate');
  });

  it('refuses a symbol another plugin already provides', async () => {
    const pm = managers.at(-1)!;
    srv.put('conv2.zip', await pluginZip('conv2', { version: '1.0.0', functions: ['celsius'] }, 'export default { functions: { celsius: { type: "scalar", exec: () => 0 } } };'));
    await assert.rejects(pm.install('functions', { name: 'conv2', file: srv.url('conv2.zip') }), hasCode('PLUGIN', /already provided/));
  });

  it('keeps a plugin whose record cannot be loaded at startup listed, with status failed', async () => {
    kv.set(PLUGINS_NS, 'sinks/ghost', JSON.stringify({
      type: 'sinks', name: 'ghost', version: '1.0.0', dir: 'sinks/ghost/1.0.0', file: 'ghost.js', isolation: 'inprocess',
      sources: [], sinks: ['ghost'], functions: [], language: 'js', sdk: '^1.0.0', installedAt: 1,
    }));
    const pm = make();
    await pm.init();
    assert.ok((pm.list('sinks') as string[]).includes('ghost'));
    assert.equal(pm.resolveSink('ghost'), undefined);
    const st = pm.status('sinks', 'ghost');
    assert.equal(st.state, 'failed');
    assert.match(st.lastError ?? '', /failed to load/);
    await pm.remove('sinks', 'ghost');
    assert.equal(kv.get(PLUGINS_NS, 'sinks/ghost'), undefined);
  });

  function assertNoLeftovers(): void {
    const root = join(t.dir, 'plugins');
    const names = existsSync(root) ? readdirSync(root) : [];
    assert.deepEqual(names.filter((n) => n.startsWith('.tmp-')), []);
  }
});

/** Bytes that do not compress, so the zip really is big. */
function randomish(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x & 0xff;
  }
  return b;
}
