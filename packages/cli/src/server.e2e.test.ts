/**
 * End to end: the real `oort server` as a child process, driven by the CLI's own commands.
 * Skipped while `@oort/server` (or the engine under it) cannot be loaded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './main.js';
import { CapturedIo } from './testing/fake-oort-server.js';

const BIN = fileURLToPath(new URL('./bin/oort.js', import.meta.url));

async function serverLoads(): Promise<string | undefined> {
  const specifier = '@oort/server';
  try {
    const mod = (await import(specifier)) as { startServer?: unknown };
    return typeof mod.startServer === 'function' ? undefined : 'no startServer export';
  } catch (err) {
    return (err as Error).message;
  }
}

const skip = await serverLoads();

describe('oort server end to end', { skip: skip && `@oort/server does not load yet: ${skip}` }, () => {
  let dir: string;
  let child: ChildProcess;
  let url = '';
  let stdout = '';
  let stderr = '';
  const suffix = Math.random().toString(36).slice(2, 8);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oort-e2e-'));
    await mkdir(join(dir, 'defs'));
    await writeFile(
      join(dir, 'defs', 'streams.sql'),
      `CREATE STREAM cli_demo (temp float, id bigint) WITH (DATASOURCE="cli/${suffix}", FORMAT="json");\n`,
    );
    await writeFile(
      join(dir, 'defs', 'hot.json'),
      JSON.stringify({ id: 'cli_hot', sql: 'SELECT * FROM cli_demo WHERE temp > 30', actions: [{ log: {} }] }),
    );
    child = spawn(
      process.execPath,
      [BIN, 'server', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(dir, 'data'), '--etc-dir', join(dir, 'etc'), '--apply', join(dir, 'defs')],
      { env: { ...process.env, OORT__MQTT__BROKER: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Wait for the apply summary, which comes after the listening line.
    const deadline = Date.now() + 30_000;
    while (!/created \d+, updated \d+, unchanged \d+/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`server did not come up: ${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /Oort server listening on (http:\/\/\S+)/.exec(stdout)![1]!;
  });

  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  async function oort(...argv: string[]) {
    const io = new CapturedIo();
    const code = await runCli([...argv, '--server', url], { io, env: {}, cwd: dir });
    return { code, out: io.outText, err: io.errText };
  }

  it('applies the folder given with --apply at start', () => {
    assert.match(stdout, /created 2, updated 0, unchanged 0/);
  });

  it('finds nothing to change when the same folder is applied again', async () => {
    const r = await oort('apply', join(dir, 'defs'));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'created 0, updated 0, unchanged 2');
  });

  it('lists and describes what was applied', async () => {
    assert.match((await oort('show', 'streams')).out, /^cli_demo$/m);
    const d = await oort('describe', 'stream', 'cli_demo');
    assert.match(d.out, /^temp\tfloat$/m);
    const rules = JSON.parse((await oort('show', 'rules')).out) as { id: string }[];
    assert.ok(rules.some((r) => r.id === 'cli_hot'));
  });

  it('reports a server error with its message and exit code 1', async () => {
    const r = await oort('describe', 'stream', 'no_such_stream');
    assert.equal(r.code, 1);
    assert.match(r.err, /no_such_stream/);
  });

  it('closes gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
