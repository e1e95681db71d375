import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// From packages/cli/dist/plugin/ back to the repository's sdks/python/examples/pyplug.
const PYPLUG = fileURLToPath(new URL('../../../../sdks/python/examples/pyplug/', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;

type Msg = Record<string, unknown>;

/** The engine's side of protocol v1, enough to drive a plugin in a test. */
class ProtocolClient {
  readonly received: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  private nextId = 1;
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as Msg;
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => !(w.pred(m) && (w.resolve(m), true)));
    });
    child.stderr.resume();
    this.exited = new Promise((res) => child.on('exit', (code) => res(code)));
  }

  wait(pred: (m: Msg) => boolean, ms = 10_000): Promise<Msg> {
    const seen = this.received.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching message in ${ms} ms; got ${JSON.stringify(this.received)}`)), ms);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  request(req: Msg): Promise<Msg> {
    const id = this.nextId++;
    this.child.stdin.write(JSON.stringify({ ...req, id }) + '\n');
    return this.wait((m) => m.type === 'result' && m.id === id);
  }
}

describe('the Python example plugin over the stdio protocol', { skip: python ? false : 'python3 is not installed' }, () => {
  let plugin: ProtocolClient;
  before(() => {
    const child = spawn('python3', ['-u', 'pyplug.py'], { cwd: PYPLUG, env: { ...process.env, OORT_PLUGIN_PROTOCOL: '1' } });
    plugin = new ProtocolClient(child);
  });
  after(() => {
    if (plugin.child.exitCode === null) plugin.child.kill();
  });

  it('announces its symbols in a ready line first', async () => {
    const ready = await plugin.wait((m) => m.type === 'ready');
    assert.equal(plugin.received[0], ready);
    assert.equal(ready.protocol, 1);
    assert.deepEqual([ready.sources, ready.sinks, ready.functions], [['pyrandom'], ['pyfile'], ['pyecho']]);
  });

  it('opens the sink, collects rows into a file and closes it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pyplug-')), 'out.jsonl');
    const ctx = { ruleId: 'r1', opId: 'sink_pyfile', instanceId: 0 };
    assert.equal((await plugin.request({ type: 'open', kind: 'sink', symbol: 'pyfile', instance: 'r1/s/0', props: { path }, ctx })).ok, true);
    const rows = [{ id: 1, name: "x'); DROP TABLE t; --" }, { id: 2, t: 21.5 }];
    assert.equal((await plugin.request({ type: 'collect', instance: 'r1/s/0', data: rows })).ok, true);
    assert.equal((await plugin.request({ type: 'close', instance: 'r1/s/0' })).ok, true);
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), rows);
  });

  it('executes the function', async () => {
    const r = await plugin.request({ type: 'exec', symbol: 'pyecho', args: ['hello'], instance: 'r1/f/0' });
    assert.deepEqual(r, { id: r.id, type: 'result', ok: true, value: 'hello' });
  });

  it('emits rows from the source until it is closed', async () => {
    const r = await plugin.request({ type: 'open', kind: 'source', symbol: 'pyrandom', instance: 'r1/src/0', props: { interval: 10, pattern: { count: 50 }, seed: 7 } });
    assert.equal(r.ok, true);
    const emit = await plugin.wait((m) => m.type === 'emit' && m.instance === 'r1/src/0');
    const count = (emit.data as { count: number }).count;
    assert.ok(Number.isInteger(count) && count >= 0 && count < 7);
    assert.equal((await plugin.request({ type: 'close', instance: 'r1/src/0' })).ok, true);
  });

  it('refuses props it cannot use with an error result', async () => {
    const r = await plugin.request({ type: 'open', kind: 'sink', symbol: 'pyfile', instance: 'r1/bad/0', props: {} });
    assert.equal(r.ok, false);
    assert.match(String(r.error), /path is required/);
  });

  it('exits with code 0 when stdin closes', async () => {
    plugin.child.stdin.end();
    assert.equal(await plugin.exited, 0);
  });
});
