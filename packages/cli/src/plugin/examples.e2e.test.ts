/**
 * The example plugins in a real engine: the random source (JS), the mathx functions (JS,
 * scalar and aggregate) and the Python pyplug (source, sink and function over the stdio
 * protocol), packed by the dev kits, installed by URL and used together in rules.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig, openEngine, type Engine } from '@oort/engine';
import { packPlugin } from './pack.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function eventually(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jsonLines = (path: string): Record<string, unknown>[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];

describe('the example plugins installed in an engine', { skip: python ? false : 'python3 is not installed' }, () => {
  const tag = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'oort-examples-'));
  const www = join(work, 'www');
  let http: Server;
  let base = '';
  let engine: Engine;

  before(async () => {
    mkdirSync(www);
    http = createServer((req, res) => {
      try {
        res.writeHead(200).end(readFileSync(join(www, decodeURIComponent(req.url!.slice(1)))));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const config = defaultConfig();
    config.mqtt.broker = 'off';
    engine = await openEngine({ dataDir: join(work, 'data'), config, logger: quiet });
  });

  after(async () => {
    for (const r of engine?.listRules() ?? []) await engine.deleteRule(r.id);
    await engine?.close();
    http?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs the random source, the mathx functions and the Python plugin by URL', async () => {
    await packPlugin(join(REPO, 'examples/plugins/random-source'), join(www, 'random.zip'));
    await packPlugin(join(REPO, 'examples/plugins/math-functions'), join(www, 'mathx.zip'));
    const py = spawnSync('python3', ['-m', 'oort_plugin.pack', 'examples/pyplug', '-o', join(www, 'pyplug.zip')], {
      cwd: join(REPO, 'sdks/python'),
      encoding: 'utf8',
    });
    assert.equal(py.status, 0, py.stderr);
    await engine.plugins.install('sources', { name: 'random', file: `${base}/random.zip` });
    await engine.plugins.install('functions', { name: 'mathx', file: `${base}/mathx.zip` });
    await engine.plugins.install('portables', { name: 'pyplug', file: `${base}/pyplug.zip` });
    assert.deepEqual(engine.plugins.get('sources', 'random'), { name: 'random', version: '1.0.0' });
    assert.equal(engine.plugins.get('functions', 'mathx').version, '1.0.0');
    assert.equal(engine.plugins.get('portables', 'pyplug').version, '1.0.0');
  });

  it('runs random rows through celsius into the Python file sink', async () => {
    engine.putConfKey('sources', 'random', `k${tag}`, { interval: '20ms', seed: 100, pattern: { temperature: 50.5, device: 'sensor-1' } });
    engine.createStream(`CREATE STREAM rnd${tag} () WITH (TYPE="random", FORMAT="json", CONF_KEY="k${tag}")`);
    const out = join(work, 'scalar.jsonl');
    engine.createRule({
      id: `scalar${tag}`,
      sql: `SELECT temperature, celsius(temperature) AS c, device FROM rnd${tag}`,
      actions: [{ pyfile: { path: out } }],
    });
    await eventually(() => jsonLines(out).length >= 3, 15_000, 'three rows in the file');
    for (const r of jsonLines(out)) {
      assert.ok(Math.abs((r.c as number) - (((r.temperature as number) - 32) * 5) / 9) < 1e-9, JSON.stringify(r));
      assert.equal(r.device, 'sensor-1');
    }
  });

  it('calls the Python function pyecho from SQL', async () => {
    const out = join(work, 'echo.jsonl');
    engine.createRule({ id: `echo${tag}`, sql: `SELECT pyecho(device) AS e FROM rnd${tag}`, actions: [{ pyfile: { path: out } }] });
    await eventually(() => jsonLines(out).length >= 1, 15_000, 'one row');
    assert.deepEqual(jsonLines(out)[0], { e: 'sensor-1' });
  });

  it('refuses a call to pyecho with two arguments at plan time, with the message of its Python validate', () => {
    assert.throws(
      () => engine.createRule({ id: `echo2${tag}`, sql: `SELECT pyecho(device, temperature) AS e FROM rnd${tag}`, actions: [{ log: {} }] }),
      /pyecho expects 1 argument but found 2/,
    );
  });

  it('aggregates with median_abs_dev over a window', async () => {
    const out = join(work, 'agg.jsonl');
    engine.createRule({
      id: `agg${tag}`,
      sql: `SELECT median_abs_dev(temperature) AS mad, count(*) AS n FROM rnd${tag} GROUP BY TUMBLINGWINDOW(ss, 1)`,
      actions: [{ pyfile: { path: out } }],
    });
    await eventually(() => jsonLines(out).length >= 1, 15_000, 'one window');
    const [w] = jsonLines(out);
    assert.equal(typeof w!.mad, 'number');
    assert.ok((w!.n as number) > 0);
  });

  it('reads rows from the Python source', async () => {
    engine.putConfKey('sources', 'pyrandom', `k${tag}`, { interval: 20, seed: 5, pattern: { count: 1, tag } });
    engine.createStream(`CREATE STREAM pyr${tag} () WITH (TYPE="pyrandom", FORMAT="json", CONF_KEY="k${tag}")`);
    const out = join(work, 'py.jsonl');
    engine.createRule({ id: `py${tag}`, sql: `SELECT count, tag FROM pyr${tag}`, actions: [{ pyfile: { path: out } }] });
    await eventually(() => jsonLines(out).length >= 2, 15_000, 'two rows from pyrandom');
    for (const r of jsonLines(out)) {
      assert.equal(r.tag, tag);
      assert.ok(Number.isInteger(r.count) && (r.count as number) >= 0 && (r.count as number) < 5);
    }
  });
});
