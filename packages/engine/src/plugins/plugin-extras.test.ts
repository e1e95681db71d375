import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Row, SourceIO } from '@oort/sdk';
import { MemoryKV } from '../store/memory-kv.js';
import { PluginManager } from './plugin-manager.js';
import { ctx, eventually, pluginZip, quietLogger, serveFiles, zipBuffer, tempData, type CapturedLogger, type FileServer, type TempData } from './test-support.js';

/** A source module that emits its ctx.rootPath and the text of its etc/hello.txt once. */
const rootSource = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export default { sources: { rooty: { create: () => ({
  provision(ctx, props) { this.props = props; },
  connect(ctx, io) { io.tuple({ root: ctx.rootPath, hello: readFileSync(join(ctx.rootPath, 'etc', 'hello.txt'), 'utf8') }); },
  close() {},
}) } } };`;

const emptySink = (schema: Record<string, unknown>) => `
export default { sinks: { bsink: { schema: ${JSON.stringify(schema)}, create: () => ({
  kind: 'tuple', provision() {}, connect() {}, async collect() {}, close() {},
}) } } };`;

function rowsIO(): SourceIO & { rows: Row[] } {
  const rows: Row[] = [];
  return { rows, bytes: () => true, tuple: (d) => (rows.push(...(Array.isArray(d) ? d : [d])), true), error: () => {}, eof: () => {}, status: () => {}, onDrain: () => {} };
}

describe('plugin manager extras for the engine', () => {
  let t: TempData;
  let srv: FileServer;
  let pm: PluginManager;
  let log: CapturedLogger;

  before(async () => {
    t = tempData();
    srv = await serveFiles();
    log = quietLogger();
    pm = new PluginManager({ dataDir: t.dir, kv: new MemoryKV(), logger: log, config: { restListensOnLoopbackOnly: true } });
    await pm.init();
  });
  after(async () => {
    await pm.close();
    await srv.close();
    t.cleanup();
  });

  it('parses the source conf yaml shipped with a plugin, and follows updates', async () => {
    const yaml = (n: number) => ({ name: 'rooty.yaml', content: `default:\n  interval: ${n}\n  seed: 1\nfast:\n  interval: 5\nbroken: 3\n` });
    srv.put('rooty1.zip', await pluginZip('rooty', { version: '1.0.0', sources: ['rooty'] }, rootSource, [yaml(1000), { name: 'etc/hello.txt', content: 'hi v1' }]));
    await pm.install('sources', { name: 'rooty', file: srv.url('rooty1.zip') });
    assert.deepEqual(pm.sourceConfs('rooty'), { default: { interval: 1000, seed: 1 }, fast: { interval: 5 } });
    assert.deepEqual(pm.sourceConfs('ROOTY')?.fast, { interval: 5 }, 'source types match ignoring case');
    const copy = pm.sourceConfs('rooty')!;
    copy.default!.interval = 1;
    assert.equal(pm.sourceConfs('rooty')!.default!.interval, 1000, 'callers get copies');
    assert.equal(pm.sourceConfs('nosuchsource'), undefined);

    srv.put('rooty2.zip', await pluginZip('rooty', { version: '2.0.0', sources: ['rooty'] }, rootSource, [yaml(50), { name: 'etc/hello.txt', content: 'hi v2' }]));
    await pm.update('sources', 'rooty', { name: 'rooty', file: srv.url('rooty2.zip') });
    assert.equal(pm.sourceConfs('rooty')!.default!.interval, 50);
  });

  it('gives in-process source instances ctx.rootPath = the install folder, where etc/ is', async () => {
    const src = pm.resolveSource('rooty')!.create();
    const io = rowsIO();
    await src.provision(ctx(), {});
    await src.connect(ctx(), io);
    await eventually(() => io.rows.length > 0, 5000, 'a row');
    assert.deepEqual(io.rows[0], { root: pm.pluginDir('sources', 'rooty'), hello: 'hi v2' });
    assert.equal(pm.pluginDir('sources', 'rooty'), join(t.dir, 'plugins', 'sources', 'rooty', '2.0.0'));
    await src.close(ctx());
  });

  it('keeps a rootPath the engine already set', async () => {
    const src = pm.resolveSource('rooty')!.create();
    const io = rowsIO();
    const c = { ...ctx(), rootPath: join(t.dir, 'plugins', 'sources', 'rooty', '2.0.0') };
    await src.provision(c, {});
    await src.connect(c, io);
    assert.equal(io.rows[0]!.root, c.rootPath);
  });

  it('has no source conf for a source plugin without a yaml file', async () => {
    const main = `export default { sources: { bare: { create: () => ({ provision() {}, connect() {}, close() {} }) } } };`;
    srv.put('bare.zip', await pluginZip('bare', { version: '1.0.0', sources: ['bare'] }, main));
    await pm.install('sources', { name: 'bare', file: srv.url('bare.zip') });
    assert.equal(pm.sourceConfFile('bare'), undefined);
    assert.equal(pm.sourceConfs('bare'), undefined);
  });

  it('warns at install about sink properties named like the engine common sink properties, and installs anyway', async () => {
    srv.put('bsink.zip', await pluginZip('bsink', { version: '1.0.0', sinks: ['bsink'] }, emptySink({ url: { type: 'string' }, batchSize: { type: 'int' }, DataTemplate: { type: 'string' } })));
    await pm.install('sinks', { name: 'bsink', file: srv.url('bsink.zip') });
    const w = pm.status('sinks', 'bsink').warnings ?? [];
    assert.equal(w.length, 2);
    assert.match(w[0]!, /sink bsink declares property "batchSize", which is also the engine's common sink property "batchSize"/);
    assert.match(w[1]!, /"DataTemplate".*"dataTemplate"/);
    assert.ok(log.lines.some((l) => l.startsWith('warn ') && l.includes('"batchSize"')));
    assert.ok(pm.resolveSink('bsink'));

    srv.put('bsink2.zip', await pluginZip('bsink', { version: '1.0.1', sinks: ['bsink'] }, emptySink({ url: { type: 'string' } })));
    await pm.update('sinks', 'bsink', { name: 'bsink', file: srv.url('bsink2.zip') });
    assert.equal(pm.status('sinks', 'bsink').warnings, undefined, 'a fixed version clears the warning');
  });

  it("reports a portable plugin's status in eKuiper's shape", async () => {
    const script = `const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
send({ type: 'ready', protocol: 1, sinks: ['psink'] });
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => { const m = JSON.parse(l); send({ id: m.id, type: 'result', ok: true }); });
process.stdin.on('end', () => process.exit(0));`;
    srv.put('pstat.zip', await zipBuffer([
      { name: 'pstat.json', content: JSON.stringify({ version: '1.0.0', language: 'node', executable: 'm.cjs', sinks: ['psink'] }) },
      { name: 'm.cjs', content: script },
    ]));
    await pm.install('portables', { name: 'pstat', file: srv.url('pstat.zip') });
    assert.deepEqual(pm.portableStatus('pstat'), { refCount: {}, status: 'running', errMsg: '' });
    const sink = pm.resolveSink('psink')!.create();
    await sink.provision(ctx('ruleA'), {});
    await sink.connect(ctx('ruleA'), () => {});
    assert.deepEqual(pm.portableStatus('pstat').refCount, { ruleA: 1 });
    await sink.close(ctx('ruleA'));
    assert.throws(() => pm.portableStatus('nosuch'), /not found/);
    assert.equal(pm.portableStatus('bsink', 'sinks').status, 'running');
  });
});
