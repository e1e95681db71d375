import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './main.js';
import { CapturedIo, FakeOortServer } from './testing/fake-oort-server.js';

let fake: FakeOortServer;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oort-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await fake?.close();
  fake = await new FakeOortServer().start();
});
after(async () => {
  await fake?.close();
});

async function oort(...argv: string[]) {
  const io = new CapturedIo();
  const code = await runCli([...argv, '--server', fake.url], { io, env: {}, cwd: dir });
  return { code, out: io.outText, err: io.errText };
}

function lastBody(): unknown {
  return JSON.parse(fake.requests.at(-1)!.body);
}

const DEF = '(id bigint, name string) WITH (DATASOURCE="demo", FORMAT="json")';

describe('stream and table commands', () => {
  it('create stream posts the full statement built from name and definition', async () => {
    const r = await oort('create', 'stream', 'demo', DEF);
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /streams']);
    assert.deepEqual(lastBody(), { sql: `CREATE STREAM demo ${DEF}` });
    assert.equal(r.out, 'Stream demo is created.');
  });

  it('create stream -f reads an eKuiper-style definition file', async () => {
    await writeFile(join(dir, 'demo.sql'), `demo ${DEF}\n`);
    const r = await oort('create', 'stream', '-f', 'demo.sql');
    assert.equal(r.code, 0);
    assert.deepEqual(lastBody(), { sql: `CREATE STREAM demo ${DEF}` });
  });

  it('create stream accepts name and definition as one argument, as eKuiper does', async () => {
    const r = await oort('create', 'stream', `demo ${DEF}`);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(lastBody(), { sql: `CREATE STREAM demo ${DEF}` });
  });

  it('create stream without a definition is a usage error', async () => {
    const r = await oort('create', 'stream', 'demo');
    assert.equal(r.code, 1);
    assert.match(r.err, /expect stream name and definition/);
    assert.equal(fake.requests.length, 0);
  });

  it('create table accepts a full CREATE TABLE statement', async () => {
    const r = await oort('create', 'table', 't1', `CREATE TABLE t1 ${DEF}`);
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /tables']);
    assert.deepEqual(lastBody(), { sql: `CREATE TABLE t1 ${DEF}` });
    assert.equal(r.out, 'Table t1 is created.');
  });

  it('show streams and show tables print eKuiper sentences when empty and names otherwise', async () => {
    assert.equal((await oort('show', 'streams')).out, 'No stream definitions are found.');
    assert.equal((await oort('show', 'tables')).out, 'No table definitions are found.');
    await oort('create', 'stream', 'a', DEF);
    await oort('create', 'stream', 'b', DEF);
    assert.equal((await oort('show', 'streams')).out, 'a\nb');
    assert.equal((await oort('show', 'streams', '--json')).out, '["a","b"]');
  });

  it('describe stream prints fields and options, or raw JSON with --json', async () => {
    await oort('create', 'stream', 'demo', DEF);
    const r = await oort('describe', 'stream', 'demo');
    assert.equal(r.code, 0);
    assert.equal(fake.calls().at(-1), 'GET /streams/demo');
    assert.equal(r.out, ['Fields', '-'.repeat(80), 'id\tbigint', 'tags\tarray(string)', '', 'DATASOURCE: demo', 'FORMAT: json'].join('\n'));
    const j = await oort('describe', 'stream', 'demo', '--json');
    assert.equal(JSON.parse(j.out).Name, 'demo');
  });

  it('a missing stream prints the server message on stderr and exits 1', async () => {
    const r = await oort('describe', 'table', 'nope');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(r.err, 'table nope is not found');
  });

  it('drop stream --force sends force=true', async () => {
    await oort('create', 'stream', 'demo', DEF);
    const r = await oort('drop', 'stream', 'demo', '--force');
    assert.equal(fake.calls().at(-1), 'DELETE /streams/demo?force=true');
    assert.equal(r.out, 'Stream demo is dropped.');
  });
});

describe('rule commands', () => {
  const rule = { sql: 'SELECT * FROM demo', actions: [{ log: {} }] };

  it('create rule puts the id from the command line into the posted rule', async () => {
    const r = await oort('create', 'rule', 'r1', JSON.stringify(rule));
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /rules']);
    assert.deepEqual(lastBody(), { ...rule, id: 'r1' });
    assert.equal(r.out, 'Rule r1 was created successfully.');
  });

  it('create rule -f reads the rule file', async () => {
    await writeFile(join(dir, 'r2.json'), JSON.stringify({ id: 'r2', ...rule }));
    const r = await oort('create', 'rule', 'r2', '-f', 'r2.json');
    assert.equal(r.code, 0);
    assert.deepEqual(lastBody(), { id: 'r2', ...rule });
  });

  it('create rule refuses an id that contradicts the JSON', async () => {
    const r = await oort('create', 'rule', 'r1', JSON.stringify({ id: 'other', ...rule }));
    assert.equal(r.code, 1);
    assert.match(r.err, /does not match r1/);
    assert.equal(fake.requests.length, 0);
  });

  it('create rule reports the server error for a duplicate id', async () => {
    await oort('create', 'rule', 'r1', JSON.stringify(rule));
    const r = await oort('create', 'rule', 'r1', JSON.stringify(rule));
    assert.equal(r.code, 1);
    assert.equal(r.err, 'rule r1 already exists');
  });

  it('show rules prints the sentence when empty and indented JSON otherwise', async () => {
    assert.equal((await oort('show', 'rules')).out, 'No rule definitions are found.');
    await oort('create', 'rule', 'r1', JSON.stringify(rule));
    const r = await oort('show', 'rules');
    assert.deepEqual(JSON.parse(r.out), [{ id: 'r1', name: 'r1', status: 'running', version: '', trace: false, tags: null }]);
    assert.match(r.out, /\n  \{/);
  });

  it('describe, start, stop, restart, getstatus, gettopo and drop call the matching routes', async () => {
    await oort('create', 'rule', 'r1', JSON.stringify(rule));
    const outs = [
      await oort('describe', 'rule', 'r1'),
      await oort('start', 'rule', 'r1'),
      await oort('stop', 'rule', 'r1'),
      await oort('restart', 'rule', 'r1'),
      await oort('getstatus', 'rule', 'r1'),
      await oort('gettopo', 'rule', 'r1', '--json'),
      await oort('drop', 'rule', 'r1'),
    ];
    assert.deepEqual(fake.calls().slice(1), [
      'GET /rules/r1',
      'POST /rules/r1/start',
      'POST /rules/r1/stop',
      'POST /rules/r1/restart',
      'GET /rules/r1/status',
      'GET /rules/r1/topo',
      'DELETE /rules/r1',
    ]);
    assert.deepEqual(JSON.parse(outs[0]!.out), { ...rule, id: 'r1' });
    assert.equal(outs[1]!.out, 'Rule r1 was started');
    assert.equal(outs[2]!.out, 'Rule r1 was stopped.');
    assert.equal(JSON.parse(outs[4]!.out).status, 'running');
    assert.equal(outs[5]!.out, '{"sources":["source_demo"],"edges":{"source_demo":["op_2_project"],"op_2_project":["sink_log_0"]}}');
    assert.equal(outs[6]!.out, 'Rule r1 is dropped.');
  });

  it('validate rule -f posts the rule and prints the confirmation', async () => {
    await writeFile(join(dir, 'v.json'), JSON.stringify({ id: 'v1', ...rule }));
    const r = await oort('validate', 'rule', '-f', 'v.json');
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /rules/validate']);
    assert.deepEqual(lastBody(), { id: 'v1', ...rule });
    assert.match(r.out, /successfully validated/);
  });

  it('validate rule prints the plain-text 422 error and exits 1', async () => {
    fake.override('POST /rules/validate', { status: 422, body: 'stream demo not found' });
    const r = await oort('validate', 'rule', 'v1', JSON.stringify(rule));
    assert.equal(r.code, 1);
    assert.equal(r.err, 'stream demo not found');
  });
});

describe('ruleset commands', () => {
  it('import ruleset -f posts the file content as a string', async () => {
    const doc = { streams: { demo: `CREATE STREAM demo ${DEF}` }, tables: {}, rules: {} };
    await writeFile(join(dir, 'rs.json'), JSON.stringify(doc));
    const r = await oort('import', 'ruleset', '-f', 'rs.json');
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /ruleset/import']);
    assert.deepEqual(lastBody(), { content: JSON.stringify(doc) });
    assert.equal(r.out, 'imported 1 streams, 0 tables and 1 rules');
  });

  it('export ruleset writes the document to the file and counts it', async () => {
    await oort('create', 'stream', 'demo', DEF);
    await oort('create', 'rule', 'r1', '{"sql":"SELECT * FROM demo","actions":[{"log":{}}]}');
    const r = await oort('export', 'ruleset', 'out.json');
    assert.equal(r.code, 0);
    assert.equal(fake.calls().at(-1), 'POST /ruleset/export');
    assert.equal(r.out, 'exported 1 streams, 0 tables and 1 rules');
    const doc = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'));
    assert.equal(doc.streams.demo, `CREATE STREAM demo ${DEF}`);
    assert.equal(typeof doc.rules.r1, 'string');
  });
});

describe('plugin commands', () => {
  it('create plugin maps eKuiper singular types and adds the name', async () => {
    const r = await oort('create', 'plugin', 'source', 'random', '{"file":"https://example.com/random.zip"}');
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /plugins/sources']);
    assert.deepEqual(lastBody(), { file: 'https://example.com/random.zip', name: 'random' });
    assert.equal(r.out, 'sources plugin random is created');
  });

  it('show, describe and drop plugins call the typed routes', async () => {
    assert.equal((await oort('show', 'plugins', 'sinks')).out, 'No sinks plugins are found.');
    await oort('create', 'plugin', 'sinks', 'mysql', '{"file":"file:///tmp/mysql.zip"}');
    assert.equal((await oort('show', 'plugins', 'sinks')).out, 'mysql');
    assert.deepEqual(JSON.parse((await oort('describe', 'plugin', 'sinks', 'mysql')).out), { name: 'mysql', version: '1.0.0' });
    const d = await oort('drop', 'plugin', 'sinks', 'mysql', '-s', 'true');
    assert.equal(d.code, 0);
    assert.equal(fake.calls().at(-1), 'DELETE /plugins/sinks/mysql?stop=1');
  });

  it('an unknown plugin type is a usage error', async () => {
    const r = await oort('show', 'plugins', 'widgets');
    assert.equal(r.code, 1);
    assert.match(r.err, /expect plugin type/);
  });
});

describe('ruletest', () => {
  it('posts the case file to /ruletest/run and prints the result', async () => {
    const testCase = { rule: { sql: 'SELECT * FROM demo' }, input: [], expected: [] };
    await writeFile(join(dir, 'case.json'), JSON.stringify(testCase));
    const r = await oort('ruletest', 'case.json');
    assert.equal(r.code, 0);
    assert.deepEqual(fake.calls(), ['POST /ruletest/run']);
    assert.deepEqual(lastBody(), testCase);
    assert.deepEqual(JSON.parse(r.out), { passed: true, cases: 1 });
  });

  it('exits 1 when the result says the case failed', async () => {
    fake.override('POST /ruletest/run', { status: 200, body: { passed: false } });
    await writeFile(join(dir, 'case.json'), '{}');
    const r = await oort('ruletest', 'case.json');
    assert.equal(r.code, 1);
    assert.match(r.err, /failed/);
  });
});

describe('errors and configuration', () => {
  it('says it cannot reach the server when the connection is refused', async () => {
    const url = fake.url;
    await fake.close();
    const io = new CapturedIo();
    const code = await runCli(['show', 'rules', '--server', url], { io, env: {}, cwd: dir });
    assert.equal(code, 1);
    assert.equal(io.errText, `cannot reach Oort server at ${url}`);
  });

  it('takes the server address from OORT_SERVER when --server is absent', async () => {
    const io = new CapturedIo();
    const code = await runCli(['show', 'rules'], { io, env: { OORT_SERVER: fake.url }, cwd: dir });
    assert.equal(code, 0);
    assert.deepEqual(fake.calls(), ['GET /rules']);
  });

  it('rejects an unknown command with a usage hint', async () => {
    const r = await oort('frobnicate', 'rule');
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown command: frobnicate rule/);
    assert.equal(fake.requests.length, 0);
  });

  it('prints help with exit 0 and the version', async () => {
    const io = new CapturedIo();
    assert.equal(await runCli(['help'], { io, env: {} }), 0);
    assert.match(io.outText, /oort apply <file\|folder>/);
    assert.equal(await runCli(['--version'], { io, env: {} }), 0);
    assert.match(io.stdout.at(-1)!, /^oort \d+\.\d+\.\d+/);
  });

  it('hands `oort plugin ...` to the dev kit, or says so when it is not in the build', async () => {
    const io = new CapturedIo();
    if (existsSync(fileURLToPath(new URL('./plugin/index.js', import.meta.url)))) {
      assert.equal(await runCli(['--server', fake.url, 'plugin', 'help'], { io, env: {} }), 0);
      assert.match(io.outText, /oort plugin/);
    } else {
      assert.equal(await runCli(['plugin', 'build'], { io, env: {} }), 1);
      assert.match(io.errText, /plugin dev kit is not available/);
    }
  });
});
