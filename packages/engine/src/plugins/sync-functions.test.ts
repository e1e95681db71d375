import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IOError, type FunctionContext } from '@oort/sdk';
import { MemoryKV } from '../store/memory-kv.js';
import { PluginManager } from './plugin-manager.js';
import { ctx, eventually, pluginZip, quietLogger, serveFiles, zipBuffer, type FileServer, type TempData, tempData, type ZipEntry } from './test-support.js';

const SDK_PY = fileURLToPath(new URL('../../../../sdks/python/', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
const fctx = (funcId = 1): FunctionContext => ({ ...ctx(), funcId });
const CALLS = 3000;

/** Calls/s of a trivial function, for the report (no assert on speed beyond "it runs"). */
function rate(call: () => unknown): number {
  for (let i = 0; i < 200; i++) call(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) call();
  return Math.round(CALLS / ((performance.now() - t0) / 1000));
}

const workerMain = `export default { functions: {
  wdouble: { type: 'scalar', validate: (args) => (args.length === 1 ? undefined : 'wdouble takes 1 argument'), exec: (_c, [x]) => x * 2n },
  wlater: { type: 'scalar', exec: async (_c, [x]) => { await new Promise((r) => setTimeout(r, 5)); return { x, at: new Date(0) }; } },
  wbig: { type: 'scalar', exec: (_c, [n]) => 'x'.repeat(Number(n)) },
  wfail: { type: 'scalar', exec: () => { throw new Error('bad input on purpose'); } },
  wcount: { type: 'scalar', exec: (c) => { const n = (c.state.get('n') ?? 0) + 1; c.state.put('n', n); return n; } },
  whang: { type: 'scalar', exec: () => { for (;;) {} } },
  wexit: { type: 'scalar', exec: () => process.exit(3) },
  wsum: { type: 'aggregate', exec: (_c, [xs]) => xs.reduce((a, b) => a + b, 0n) },
} };`;

const processMain = `
const readline = require('node:readline');
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
send({ type: 'ready', protocol: 1, functions: ['pecho', 'pslow'] });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  const ok = (value) => send({ id: m.id, type: 'result', ok: true, value });
  if (m.type === 'validate') return ok(m.args.length === 1 ? null : m.symbol + ' takes 1 argument');
  if (m.type === 'exec' && m.symbol === 'pslow') return setTimeout(() => ok(m.args[0]), Number(m.args[0]));
  if (m.type === 'exec') return ok(m.args[0]);
  if (m.type === 'ping') return ok();
  send({ id: m.id, type: 'result', ok: false, error: 'unknown request ' + m.type });
});
process.stdin.on('end', () => process.exit(0));
`;

function pythonZip(): Promise<Buffer> {
  const pkg = join(SDK_PY, 'oort_plugin');
  const entries: ZipEntry[] = readdirSync(pkg)
    .filter((f) => f.endsWith('.py'))
    .map((f) => ({ name: `oort_plugin/${f}`, content: readFileSync(join(pkg, f)) }));
  entries.push({ name: 'pyplug.json', content: readFileSync(join(SDK_PY, 'examples/pyplug/pyplug.json')) });
  entries.push({ name: 'pyplug.py', content: readFileSync(join(SDK_PY, 'examples/pyplug/pyplug.py')) });
  return zipBuffer(entries);
}

describe('SQL functions of isolated plugins are synchronous', () => {
  let t: TempData;
  let srv: FileServer;
  let pm: PluginManager;
  const rates: Record<string, number> = {};

  before(async () => {
    t = tempData();
    srv = await serveFiles();
    pm = new PluginManager({
      dataDir: t.dir,
      kv: new MemoryKV(),
      logger: quietLogger(),
      config: { restListensOnLoopbackOnly: true, functionTimeoutMs: 300, callTimeoutMs: 1000, backoff: { baseMs: 50, maxMs: 200 } },
    });
    await pm.init();
    srv.put('wfn.zip', await pluginZip('wfn', { version: '1.0.0', functions: ['wdouble', 'wlater', 'wbig', 'wfail', 'wcount', 'whang', 'wexit', 'wsum'], isolation: 'worker' }, workerMain));
    await pm.install('functions', { name: 'wfn', file: srv.url('wfn.zip') });
    srv.put('pfn.zip', await zipBuffer([
      { name: 'pfn.json', content: JSON.stringify({ version: '1.0.0', language: 'node', executable: 'main.cjs', functions: ['pecho', 'pslow'] }) },
      { name: 'main.cjs', content: processMain },
    ]));
    await pm.install('portables', { name: 'pfn', file: srv.url('pfn.zip') });
    srv.put('ifn.zip', await pluginZip('ifn', { version: '1.0.0', functions: ['idouble'] }, `export default { functions: { idouble: { type: 'scalar', exec: (_c, [x]) => x * 2n } } };`));
    await pm.install('functions', { name: 'ifn', file: srv.url('ifn.zip') });
  });

  it('measures the in-process call rate, for comparison', () => {
    const f = pm.resolveFunction('idouble')!;
    const c = fctx();
    rates.inprocess = rate(() => f.exec(c, [1n]));
    assert.ok(rates.inprocess > 0);
  });

  after(async (tc) => {
    if (Object.keys(rates).length) console.log(`# calls/s of a trivial function: ${JSON.stringify(rates)}`);
    void tc;
    await pm.close();
    await srv.close();
    t.cleanup();
  });

  describe('in a worker thread', () => {
    it('returns the value itself, not a Promise, with bigint kept', () => {
      const r = pm.resolveFunction('wdouble')!.exec(fctx(), [21n]);
      assert.equal(r, 42n);
    });

    it('waits for a function that answers asynchronously inside the worker, Date kept', () => {
      assert.deepEqual(pm.resolveFunction('wlater')!.exec(fctx(), ['a']), { x: 'a', at: new Date(0) });
    });

    it('passes a result bigger than the shared buffer by growing it', () => {
      for (const n of [100_000, 5_000_000, 10]) assert.equal((pm.resolveFunction('wbig')!.exec(fctx(), [n]) as string).length, n);
    });

    it('runs aggregates over the group arrays', () => {
      assert.equal(pm.resolveFunction('wsum')!.exec(fctx(), [[1n, 2n, 3n]]), 6n);
    });

    it('keeps per-call-site state across calls', () => {
      const f = pm.resolveFunction('wcount')!;
      const site = fctx(7);
      assert.deepEqual([f.exec(site, []), f.exec(site, []), f.exec(fctx(8), [])], [1, 2, 1]);
    });

    it('validates the arguments at plan time through the worker', () => {
      const f = pm.resolveFunction('wdouble')!;
      assert.equal(f.validate!([{ kind: 'field', name: 'a' }]), undefined);
      assert.equal(f.validate!([{ kind: 'field', name: 'a' }, { kind: 'literal', value: 1 }]), 'wdouble takes 1 argument');
      assert.equal(pm.resolveFunction('wlater')!.validate!([]), undefined, 'a function without validate accepts anything');
    });

    it('turns an error thrown by the function into a plain Error', () => {
      assert.throws(() => pm.resolveFunction('wfail')!.exec(fctx(), []), (e: Error) => !(e instanceof IOError) && /bad input on purpose/.test(e.message));
    });

    it('turns a hung function into an IOError after the timeout, fails fast meanwhile, and recovers after the restart', async () => {
      const before = pm.status('functions', 'wfn').restarts;
      const t0 = performance.now();
      assert.throws(() => pm.resolveFunction('whang')!.exec(fctx(), []), (e: Error) => e instanceof IOError && /within 300 ms/.test(e.message));
      assert.ok(performance.now() - t0 < 5000);
      assert.throws(() => pm.resolveFunction('wdouble')!.exec(fctx(), [1n]), (e: Error) => e instanceof IOError && /did not answer in time/.test(e.message));
      await eventually(() => pm.status('functions', 'wfn').restarts > before && pm.status('functions', 'wfn').state === 'running', 15_000, 'a restart');
      assert.equal(pm.resolveFunction('wdouble')!.exec(fctx(), [2n]), 4n);
    });

    it('fails a call at once when the worker exits during it, and recovers after the restart', async () => {
      const before = pm.status('functions', 'wfn').restarts;
      assert.throws(() => pm.resolveFunction('wexit')!.exec(fctx(), []), (e: Error) => e instanceof IOError && /the worker exited with code 3/.test(e.message));
      await eventually(() => pm.status('functions', 'wfn').restarts > before && pm.status('functions', 'wfn').state === 'running', 15_000, 'a restart');
      assert.equal(pm.resolveFunction('wdouble')!.exec(fctx(), [5n]), 10n);
    });

    it('measures the call rate', () => {
      const f = pm.resolveFunction('wdouble')!;
      const c = fctx();
      rates.worker = rate(() => f.exec(c, [1n]));
      assert.ok(rates.worker > 0);
    });

    it('keeps an old version answering the rules compiled against it for a while after an update', async () => {
      const old = pm.resolveFunction('wdouble')!;
      srv.put('wfn2.zip', await pluginZip('wfn', { version: '2.0.0', functions: ['wdouble'], isolation: 'worker' }, `export default { functions: { wdouble: { type: 'scalar', exec: (_c, [x]) => x * 3n } } };`));
      await pm.update('functions', 'wfn', { name: 'wfn', file: srv.url('wfn2.zip') });
      assert.equal(pm.resolveFunction('wdouble')!.exec(fctx(), [2n]), 6n, 'new calls get the new version');
      assert.equal(old.exec(fctx(), [2n]), 4n, 'the old version still answers');
    });
  });

  describe('in an external process', () => {
    it('returns the value itself, integers as numbers', () => {
      assert.equal(pm.resolveFunction('pecho')!.exec(fctx(), [5n]), 5);
      assert.deepEqual(pm.resolveFunction('pecho')!.exec(fctx(), [{ a: [1, 'x'] }]), { a: [1, 'x'] });
    });

    it('validates the arguments at plan time through the process', () => {
      const f = pm.resolveFunction('pecho')!;
      assert.equal(f.validate!([{ kind: 'wildcard' }]), undefined);
      assert.equal(f.validate!([]), 'pecho takes 1 argument');
    });

    it('times out a slow call, fails fast until the process answers a ping, then serves again without a restart', async () => {
      const f = pm.resolveFunction('pslow')!;
      assert.throws(() => f.exec(fctx(), [2000]), (e: Error) => e instanceof IOError && /within 300 ms/.test(e.message));
      assert.throws(() => f.exec(fctx(), [1]), /did not answer in time/);
      await eventually(() => f.exec(fctx(), [1]) === 1, 10_000, 'calls to work again');
      assert.equal(pm.status('portables', 'pfn').restarts, 0);
    });

    it('measures the call rate', () => {
      const f = pm.resolveFunction('pecho')!;
      const c = fctx();
      rates.process = rate(() => f.exec(c, [1]));
      assert.ok(rates.process > 0);
    });
  });

  describe('in a Python process', { skip: python ? false : 'python3 is not installed' }, () => {
    before(async () => {
      srv.put('pyplug.zip', await pythonZip());
      await pm.install('portables', { name: 'pyplug', file: srv.url('pyplug.zip') });
    });

    it('calls pyecho and asks its validate', () => {
      const f = pm.resolveFunction('pyecho')!;
      assert.equal(f.exec(fctx(), ['sensor-1']), 'sensor-1');
      assert.equal(f.validate!([{ kind: 'field', name: 'a' }]), undefined);
      assert.equal(f.validate!([{ kind: 'field', name: 'a' }, { kind: 'field', name: 'b' }]), 'pyecho expects 1 argument but found 2');
    });

    it('measures the call rate', () => {
      const f = pm.resolveFunction('pyecho')!;
      const c = fctx();
      rates.python = rate(() => f.exec(c, [1]));
      assert.ok(rates.python > 0);
    });
  });
});
