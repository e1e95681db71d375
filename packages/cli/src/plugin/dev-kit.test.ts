import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { runPluginCommand, type PluginCommandIO } from './index.js';
import { readZip } from './zip-entries.js';

const work = mkdtempSync(join(tmpdir(), 'oort-devkit-'));
after(() => rmSync(work, { recursive: true, force: true }));

function captureIO(): PluginCommandIO & { text(): string } {
  const lines: string[] = [];
  return { out: (s) => lines.push(s), err: (s) => lines.push(s), text: () => lines.join('\n') };
}

async function run(...argv: string[]): Promise<{ code: number; text: string }> {
  const io = captureIO();
  const code = await runPluginCommand(argv, io);
  return { code, text: io.text() };
}

const cases = [
  { kind: 'sink', name: 'jsonfile', listed: 'sinks' },
  { kind: 'source', name: 'ticker', listed: 'sources' },
  { kind: 'function', name: 'greet', listed: 'functions' },
] as const;

for (const c of cases) {
  describe(`a scaffolded ${c.kind} plugin`, () => {
    const dir = join(work, c.name);

    it('is created by init with a manifest, sources and a test', async () => {
      const r = await run('init', c.kind, c.name, '--dir', dir);
      assert.equal(r.code, 0, r.text);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.deepEqual(pkg.dependencies, { '@oort/sdk': '^1.0.0' });
      const manifest = JSON.parse(readFileSync(join(dir, `${c.name}.json`), 'utf8'));
      assert.deepEqual(manifest[c.listed], [c.name]);
      assert.match(readFileSync(join(dir, 'src/index.ts'), 'utf8'), /export default definePlugin/);
      assert.match(readFileSync(join(dir, 'src/index.test.ts'), 'utf8'), /node:test/);
    });

    it('builds into one ES module', async () => {
      const r = await run('build', '--dir', dir);
      assert.equal(r.code, 0, r.text);
      const bundle = readFileSync(join(dir, 'dist', `${c.name}.js`), 'utf8');
      assert.doesNotMatch(bundle, /from ["']@oort\/sdk["']/, 'the sdk is bundled, not imported');
    });

    it('passes the contract checks and its own tests', async () => {
      const r = await run('test', '--dir', dir);
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, new RegExp(`PASS ${c.kind} ${c.name}`));
      assert.match(r.text, /contract: 1 passed, 0 failed/);
      assert.match(r.text, /\bOK$/);
    });

    it('packs a zip with the bundle, the manifest and a matching sha256 file', async () => {
      const r = await run('pack', '--dir', dir);
      assert.equal(r.code, 0, r.text);
      const zipPath = join(dir, 'dist', `${c.name}.zip`);
      const zip = await readZip(zipPath);
      assert.ok(zip.has(`${c.name}.js`));
      const manifest = JSON.parse(zip.get(`${c.name}.json`)!.toString());
      assert.equal(manifest.name, c.name);
      assert.equal(manifest.version, '1.0.0');
      assert.equal(manifest.sdk, '^1.0.0');
      assert.equal(manifest.main, `${c.name}.js`);
      assert.deepEqual(manifest.kinds, [c.kind]);
      assert.deepEqual(manifest[c.listed], [c.name]);
      if (c.kind === 'source') assert.ok(zip.has(`${c.name}.yaml`));
      const sha = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
      assert.equal(readFileSync(`${zipPath}.sha256`, 'utf8').split(' ')[0], sha);
      assert.match(r.text, new RegExp(`sha256 ${sha}`));
    });
  });
}

describe('the dev kit', () => {
  it('packs the same sources into the same bytes', async () => {
    const dir = join(work, 'jsonfile');
    await run('pack', '--dir', dir, '--out', join(work, 'a.zip'));
    await run('pack', '--dir', dir, '--out', join(work, 'b.zip'));
    assert.deepEqual(readFileSync(join(work, 'a.zip')), readFileSync(join(work, 'b.zip')));
  });

  it('takes the version from package.json and ships etc/ files', async () => {
    const dir = join(work, 'ticker');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '1.1.0' }));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'etc', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'etc', 'sub', 'lookup.csv'), 'a,b\n');
    const r = await run('pack', '--dir', dir);
    assert.equal(r.code, 0, r.text);
    const zip = await readZip(join(dir, 'dist', 'ticker.zip'));
    assert.equal(JSON.parse(zip.get('ticker.json')!.toString()).version, '1.1.0');
    assert.equal(zip.get('etc/sub/lookup.csv')!.toString(), 'a,b\n');
  });

  it('fails the test command when a function breaks its contract', async () => {
    const dir = join(work, 'greet');
    writeFileSync(join(dir, 'oort-test.json'), JSON.stringify({ functions: { greet: { args: ['x'], expect: 'Hi, x' } } }));
    const r = await run('test', '--dir', dir, '--no-unit');
    assert.equal(r.code, 1);
    assert.match(r.text, /FAIL function greet: exec\(\["x"\]\) returned "Hello, x!", expected "Hi, x"/);
  });

  it('refuses a manifest listing a symbol the module does not export', async () => {
    const dir = join(work, 'jsonfile');
    const m = JSON.parse(readFileSync(join(dir, 'jsonfile.json'), 'utf8'));
    writeFileSync(join(dir, 'jsonfile.json'), JSON.stringify({ ...m, sinks: ['jsonfile', 'ghost'] }));
    const r = await run('pack', '--dir', dir);
    assert.equal(r.code, 1);
    assert.match(r.text, /lists sinks ghost that src\/index.ts does not export/);
    writeFileSync(join(dir, 'jsonfile.json'), JSON.stringify(m));
  });

  it('refuses bad names and unknown kinds with a usage message', async () => {
    assert.equal((await run('init', 'sink', 'my-sink', '--dir', join(work, 'x'))).code, 1);
    assert.equal((await run('init', 'lookup', 'x', '--dir', join(work, 'y'))).code, 1);
    const r = await run('frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.text, /usage: oort plugin/);
  });
});

describe('the scaffold templates', () => {
  // Inside the repository, so the scaffold's imports resolve from the root node_modules as after `npm install`.
  const inRepo = mkdtempSync(join(fileURLToPath(new URL('../', import.meta.url)), '.scaffold-'));
  after(() => rmSync(inRepo, { recursive: true, force: true }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

  for (const kind of ['sink', 'source', 'function'] as const) {
    it(`type-check under strict NodeNext for a ${kind}`, async () => {
      const dir = join(inRepo, kind);
      assert.equal((await run('init', kind, `tc_${kind}`, '--dir', dir)).code, 0);
      const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  }
});
