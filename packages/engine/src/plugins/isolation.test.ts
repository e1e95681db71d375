import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { IOError, type Row, type Sink, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { MemoryKV } from '../store/memory-kv.js';
import { PluginManager } from './plugin-manager.js';
import { ctx, eventually, pluginZip, quietLogger, readText, serveFiles, sinkModule, tempData, zipBuffer, type FileServer, type TempData } from './test-support.js';

const lines = (path: string) => (existsSync(path) ? readText(path).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

async function openSink(pm: PluginManager, symbol: string, c: StreamContext = ctx()): Promise<Sink> {
  const def = pm.resolveSink(symbol);
  assert.ok(def, `sink ${symbol} resolves`);
  const sink = def.create();
  await sink.provision(c, {});
  await sink.connect(c, () => {});
  return sink;
}

function collector(): SourceIO & { rows: Row[]; errors: Error[] } {
  const rows: Row[] = [];
  const errors: Error[] = [];
  return {
    rows,
    errors,
    bytes: () => true,
    tuple: (d) => (rows.push(...(Array.isArray(d) ? d : [d])), true),
    error: (e) => void errors.push(e),
    eof: () => {},
    status: () => {},
    onDrain: () => {},
  };
}

/** Keeps collecting until the restarted runtime accepts the row. */
async function collectEventually(sink: Sink, row: Row): Promise<void> {
  await eventually(async () => {
    await sink.collect(ctx(), { rows: [row], props: {} });
    return true;
  }, 15_000, 'the plugin to accept data again');
}

describe('plugin isolation', () => {
  let t: TempData;
  let srv: FileServer;
  let pm: PluginManager;
  const out = (n: string) => join(t.dir, `${n}.jsonl`);

  before(async () => {
    t = tempData();
    srv = await serveFiles();
    pm = new PluginManager({
      dataDir: t.dir,
      kv: new MemoryKV(),
      logger: quietLogger(),
      config: { restListensOnLoopbackOnly: true, callTimeoutMs: 1000, backoff: { baseMs: 50, maxMs: 200 } },
    });
    await pm.init();
  });
  after(async () => {
    await pm.close();
    await srv.close();
    t.cleanup();
  });

  describe('in a worker thread', () => {
    before(async () => {
      srv.put('wsink.zip', await pluginZip('wsink', { version: '1.0.0', sinks: ['wsink'], isolation: 'worker' }, sinkModule('wsink', '1.0.0', out('wsink'))));
      await pm.install('sinks', { name: 'wsink', file: srv.url('wsink.zip') });
    });

    it('runs the sink in the worker and keeps value types across the boundary', async () => {
      assert.equal(pm.status('sinks', 'wsink').isolation, 'worker');
      const sink = await openSink(pm, 'wsink');
      assert.equal(sink.kind, 'tuple');
      await sink.collect(ctx(), { rows: [{ n: 1, big: 5n }], props: {} });
      assert.deepEqual(lines(out('wsink')), [{ v: '1.0.0', n: 1, big: 'bigint' }]);
      await sink.close(ctx());
    });

    it('reports an error thrown by the sink without restarting it, and keeps retryable ones retryable', async () => {
      const sink = await openSink(pm, 'wsink');
      await assert.rejects(sink.collect(ctx(), { rows: [{ throw: true }], props: {} }), (e: Error) => !(e instanceof IOError) && /boom on purpose/.test(e.message));
      await assert.rejects(sink.collect(ctx(), { rows: [{ retry: true }], props: {} }), (e: Error) => e instanceof IOError);
      assert.equal(pm.status('sinks', 'wsink').restarts, 0);
      await sink.close(ctx());
    });

    for (const [what, row] of [
      ['crashes', { crash: true }],
      ['exits', { exit: true }],
      ['hangs', { hang: true }],
    ] as const) {
      it(`restarts a worker that ${what}, reopens the sink, and the engine keeps running`, async () => {
        const before = pm.status('sinks', 'wsink').restarts;
        const sink = await openSink(pm, 'wsink');
        // The crash happens after collect answers; exit and hang lose the call.
        await sink.collect(ctx(), { rows: [row], props: {} }).catch((e: Error) => assert.ok(e instanceof IOError, e.message));
        await eventually(() => pm.status('sinks', 'wsink').restarts > before, 15_000, 'a restart');
        const tag = `${what}-after`;
        await collectEventually(sink, { tag });
        assert.ok(lines(out('wsink')).some((l) => l.tag === tag));
        const st = pm.status('sinks', 'wsink');
        assert.equal(st.state, 'running');
        assert.ok(st.lastError, 'the last error is kept');
        await sink.close(ctx());
      });
    }

    it('hot swaps a worker plugin: new instances get the new version, the old worker serves its open instance until closed', async () => {
      const old = await openSink(pm, 'wsink');
      srv.put('wsink2.zip', await pluginZip('wsink', { version: '2.0.0', sinks: ['wsink'], isolation: 'worker' }, sinkModule('wsink', '2.0.0', out('wsink'))));
      await pm.update('sinks', 'wsink', { name: 'wsink', file: srv.url('wsink2.zip') });
      assert.equal(pm.get('sinks', 'wsink').version, '2.0.0');
      const fresh = await openSink(pm, 'wsink');
      await fresh.collect(ctx(), { rows: [{ swap: 'new' }], props: {} });
      await old.collect(ctx(), { rows: [{ swap: 'old' }], props: {} });
      const got = lines(out('wsink')).filter((l) => l.swap);
      assert.deepEqual(got.map((l) => [l.swap, l.v]), [['new', '2.0.0'], ['old', '1.0.0']]);
      const oldDir = join(t.dir, 'plugins', 'sinks', 'wsink', '1.0.0');
      assert.equal(existsSync(oldDir), false);
      await old.close(ctx());
      await fresh.close(ctx());
    });

    it('runs worker functions synchronously, as the expression compiler calls them', async () => {
      const main = `export default { functions: {
        wdouble: { type: 'scalar', exec: (_c, [x]) => x * 2n },
        wsum: { type: 'aggregate', exec: (_c, [xs]) => xs.reduce((a, b) => a + b, 0) },
      } };`;
      srv.put('wfn.zip', await pluginZip('wfn', { version: '1.0.0', functions: ['wdouble', 'wsum'], isolation: 'worker' }, main));
      await pm.install('functions', { name: 'wfn', file: srv.url('wfn.zip') });
      assert.equal(pm.resolveFunction('wdouble')!.exec({ ...ctx(), funcId: 0 }, [21n]), 42n);
      assert.equal(pm.resolveFunction('wsum')!.type, 'aggregate');
      assert.equal(pm.resolveFunction('wsum')!.exec({ ...ctx(), funcId: 0 }, [[1, 2, 3]]), 6);
    });

    it('runs a source in the worker and routes its rows to the right instance', async () => {
      const main = `export default { sources: { wtick: { create: () => ({
        provision(ctx, props) { this.props = props; },
        connect(ctx, io) { let i = 0; this.t = setInterval(() => io.tuple({ rule: ctx.ruleId, i: i++, tag: this.props.tag }), 10); },
        close() { clearInterval(this.t); },
      }) } } };`;
      srv.put('wtick.zip', await pluginZip('wtick', { version: '1.0.0', sources: ['wtick'], isolation: 'worker' }, main, [
        { name: 'wtick.yaml', content: 'default:\n  interval: 10\n' },
      ]));
      await pm.install('sources', { name: 'wtick', file: srv.url('wtick.zip') });
      assert.match(readText(pm.sourceConfFile('wtick')!), /interval: 10/);
      const a = collector();
      const b = collector();
      const sa: Source = pm.resolveSource('wtick')!.create();
      const sb: Source = pm.resolveSource('wtick')!.create();
      await sa.provision(ctx('ra'), { tag: 'A' });
      await sb.provision(ctx('rb'), { tag: 'B' });
      await sa.connect(ctx('ra'), a);
      await sb.connect(ctx('rb'), b);
      await eventually(() => a.rows.length >= 3 && b.rows.length >= 3, 10_000, 'rows from both instances');
      assert.ok(a.rows.every((r) => r.rule === 'ra' && r.tag === 'A'));
      assert.ok(b.rows.every((r) => r.rule === 'rb' && r.tag === 'B'));
      await sa.close(ctx('ra'));
      await sb.close(ctx('rb'));
    });
  });

  describe('as an external process', () => {
    const script = (outFile: string) => `
const { appendFileSync } = require('node:fs');
const readline = require('node:readline');
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const timers = new Map();
send({ type: 'ready', protocol: 1, name: 'nodeplug', sources: ['ntick'], sinks: ['nfile'], functions: ['necho'] });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  const ok = (value) => send({ id: m.id, type: 'result', ok: true, value });
  switch (m.type) {
    case 'open':
      if (m.kind === 'source') {
        let i = 0;
        timers.set(m.instance, setInterval(() => send({ type: 'emit', instance: m.instance, data: { i: i++, who: m.props.who }, meta: { topic: 't' } }), 10));
      }
      return ok();
    case 'collect':
      for (const r of m.data) {
        if (r.die) process.exit(7);
        if (r.fail) return send({ id: m.id, type: 'result', ok: false, error: 'cannot write', retryable: true });
        appendFileSync(${JSON.stringify(outFile)}, JSON.stringify({ pid: process.pid, ...r }) + '\\n');
      }
      return ok();
    case 'exec':
      return ok({ echo: m.args, symbol: m.symbol });
    case 'close':
      clearInterval(timers.get(m.instance)); timers.delete(m.instance);
      return ok();
    case 'ping':
      return ok();
  }
});
process.stdin.on('end', () => process.exit(0));
`;

    before(async () => {
      const zip = await zipBuffer([
        { name: 'nodeplug.json', content: JSON.stringify({ version: 'v1.0.0', language: 'node', executable: 'main.cjs', sources: ['ntick'], sinks: ['nfile'], functions: ['necho'] }) },
        { name: 'main.cjs', content: script(out('nfile')) },
      ]);
      srv.put('nodeplug.zip', zip);
      await pm.install('portables', { name: 'nodeplug', file: srv.url('nodeplug.zip') });
    });

    it('lists the portable plugin as an object, eKuiper style', () => {
      const list = pm.list('portables') as unknown as Record<string, unknown>[];
      assert.equal(list.length, 1);
      assert.equal(list[0]!.name, 'nodeplug');
      assert.equal(list[0]!.version, '1.0.0');
      assert.equal(list[0]!.language, 'node');
      assert.deepEqual(list[0]!.sinks, ['nfile']);
      assert.equal(pm.status('portables', 'nodeplug').state, 'running');
      assert.ok(pm.status('portables', 'nodeplug').pid);
      assert.deepEqual(pm.status('portables', 'nodeplug').refCount, {});
    });

    it('collects rows with a sink, runs a function and routes source rows by instance', async () => {
      const sink = await openSink(pm, 'nfile');
      await sink.collect(ctx(), { rows: [{ a: 1, n: 9n }], props: {} });
      assert.deepEqual(lines(out('nfile')).map(({ pid: _p, ...r }) => r), [{ a: 1, n: 9 }]);
      await assert.rejects(sink.collect(ctx(), { rows: [{ fail: true }], props: {} }), (e: Error) => e instanceof IOError && /cannot write/.test(e.message));

      const f = pm.resolveFunction('necho')!;
      assert.deepEqual(f.exec({ ...ctx(), funcId: 1 }, [1, 'a']), { echo: [1, 'a'], symbol: 'necho' });

      const a = collector();
      const b = collector();
      const sa = pm.resolveSource('ntick')!.create();
      const sb = pm.resolveSource('ntick')!.create();
      await sa.provision(ctx('ra'), { who: 'A' });
      await sb.provision(ctx('rb'), { who: 'B' });
      await sa.connect(ctx('ra'), a);
      await sb.connect(ctx('rb'), b);
      await eventually(() => a.rows.length >= 3 && b.rows.length >= 3, 10_000, 'rows from both instances');
      assert.deepEqual(pm.status('portables', 'nodeplug').refCount, { r1: 1, ra: 1, rb: 1 });
      assert.ok(a.rows.every((r) => r.who === 'A'));
      assert.ok(b.rows.every((r) => r.who === 'B'));
      await sa.close(ctx('ra'));
      await sb.close(ctx('rb'));
      await sink.close(ctx());
    });

    it('restarts a process that exits and reopens its instances', async () => {
      const sink = await openSink(pm, 'nfile');
      const pid = pm.status('portables', 'nodeplug').pid;
      await assert.rejects(sink.collect(ctx(), { rows: [{ die: true }], props: {} }), (e: Error) => e instanceof IOError);
      await eventually(() => pm.status('portables', 'nodeplug').state === 'running' && pm.status('portables', 'nodeplug').pid !== pid, 15_000, 'a new process');
      await collectEventually(sink, { after: 'restart' });
      const last = lines(out('nfile')).at(-1);
      assert.equal(last.after, 'restart');
      assert.notEqual(last.pid, pid);
      assert.match(pm.status('portables', 'nodeplug').lastError ?? '', /exited with code 7/);
      await sink.close(ctx());
    });

    it('refuses a process that does not offer what its manifest declares', async () => {
      const zip = await zipBuffer([
        { name: 'liarp.json', content: JSON.stringify({ version: '1.0.0', language: 'node', executable: 'm.cjs', sinks: ['nothere'] }) },
        { name: 'm.cjs', content: `process.stdout.write(JSON.stringify({ type: 'ready', protocol: 1, sinks: [] }) + '\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));` },
      ]);
      srv.put('liarp.zip', zip);
      await assert.rejects(pm.install('portables', { name: 'liarp', file: srv.url('liarp.zip') }), /does not offer the declared sink nothere/);
      assert.throws(() => pm.get('portables', 'liarp'), /not found/);
    });
  });
});
