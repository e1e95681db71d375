import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesired, sameRule } from './apply.js';
import { runCli } from './main.js';
import { CapturedIo, FakeOortServer } from './testing/fake-oort-server.js';

let fake: FakeOortServer;
let dir: string;

beforeEach(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  fake = await new FakeOortServer().start();
  dir = await mkdtemp(join(tmpdir(), 'oort-apply-'));
});
after(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

async function apply(path = dir) {
  const io = new CapturedIo();
  const code = await runCli(['apply', path, '--server', fake.url], { io, env: {}, cwd: dir });
  return { code, out: io.outText, err: io.errText };
}

const STREAMS_SQL = `-- streams used by the demo rules
CREATE STREAM demo (temp float, id bigint) WITH (DATASOURCE="demo", FORMAT="json");

CREATE STREAM events () WITH (DATASOURCE="events/#", TYPE="mqtt");
CREATE TABLE devices (id bigint, name string) WITH (DATASOURCE="devices.json", TYPE="file");
`;
const RULE = { id: 'hot', sql: 'SELECT * FROM demo WHERE temp > 30', actions: [{ log: {} }] };
const RULESET = {
  streams: { extra: 'CREATE STREAM extra () WITH (DATASOURCE="extra")' },
  tables: {},
  rules: { counted: JSON.stringify({ sql: 'SELECT count(*) FROM events GROUP BY TumblingWindow(ss, 10)', actions: [{ log: {} }] }) },
};

async function writeDefinitions() {
  await mkdir(join(dir, 'rules'));
  await writeFile(join(dir, 'streams.sql'), STREAMS_SQL);
  await writeFile(join(dir, 'rules', 'hot.json'), JSON.stringify(RULE, null, 2));
  await writeFile(join(dir, 'ruleset.json'), JSON.stringify(RULESET));
  await writeFile(join(dir, 'README.md'), 'not a definition');
}

describe('oort apply', () => {
  it('creates everything on the first run, streams and tables before rules', async () => {
    await writeDefinitions();
    const r = await apply();
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fake.calls(), [
      'POST /ruleset/export',
      'POST /streams', // extra (ruleset.json sorts before streams.sql)
      'POST /streams', // demo
      'POST /streams', // events
      'POST /tables', // devices
      'PUT /rules/hot', // rules/ sorts before ruleset.json
      'PUT /rules/counted',
    ]);
    assert.deepEqual([...fake.streams.keys()].sort(), ['demo', 'events', 'extra']);
    assert.deepEqual([...fake.tables.keys()], ['devices']);
    assert.deepEqual(JSON.parse(fake.rules.get('hot')!), RULE);
    assert.equal(JSON.parse(fake.rules.get('counted')!).id, 'counted');
    assert.match(r.out, /^stream extra: created$/m);
    assert.match(r.out, /^rule hot: created$/m);
    assert.equal(r.out.split('\n').at(-1), 'created 6, updated 0, unchanged 0');
  });

  it('changes nothing on a second run', async () => {
    await writeDefinitions();
    await apply();
    fake.requests.length = 0;
    const r = await apply();
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fake.calls(), ['POST /ruleset/export']);
    assert.equal(r.out, 'created 0, updated 0, unchanged 6');
  });

  it('updates only what changed, ignoring whitespace and key order', async () => {
    await writeDefinitions();
    await apply();
    fake.requests.length = 0;
    // Reformatted but equal: must stay unchanged.
    await writeFile(join(dir, 'ruleset.json'), JSON.stringify(RULESET, null, 4));
    await writeFile(
      join(dir, 'streams.sql'),
      STREAMS_SQL.replace('CREATE STREAM demo (temp float, id bigint)', 'CREATE STREAM demo (temp float, id bigint, site string)')
        .replace('CREATE STREAM events ()', 'CREATE  STREAM events ( )\n  '),
    );
    const { id, ...rest } = RULE;
    await writeFile(join(dir, 'rules', 'hot.json'), JSON.stringify({ actions: rest.actions, sql: 'SELECT * FROM demo WHERE temp > 40', id }));
    const r = await apply();
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fake.calls(), ['POST /ruleset/export', 'PUT /streams/demo', 'PUT /rules/hot']);
    assert.match(fake.streams.get('demo')!, /site string/);
    assert.equal(r.out.split('\n').at(-1), 'created 0, updated 2, unchanged 4');
  });

  it('treats the server-side triggered flag as bookkeeping, not a difference', async () => {
    await writeFile(join(dir, 'hot.json'), JSON.stringify(RULE));
    fake.rules.set('hot', JSON.stringify({ ...RULE, triggered: true }));
    const r = await apply(join(dir, 'hot.json'));
    assert.equal(r.out, 'created 0, updated 0, unchanged 1');
  });

  it('keeps going after a failure, reports it and exits 1', async () => {
    await writeDefinitions();
    fake.override('POST /tables', { status: 400, body: '{"error":3000,"message":"file devices.json not found"}' });
    const r = await apply();
    assert.equal(r.code, 1);
    assert.match(r.out, /^table devices: failed: file devices.json not found$/m);
    assert.equal(r.out.split('\n').at(-1), 'created 5, updated 0, unchanged 0, failed 1');
    assert.match(r.err, /1 definition\(s\) could not be applied/);
  });

  it('refuses a name defined twice and statements other than CREATE', async () => {
    await writeFile(join(dir, 'a.sql'), 'CREATE STREAM demo () WITH (DATASOURCE="a");');
    await writeFile(join(dir, 'b.sql'), 'CREATE STREAM demo () WITH (DATASOURCE="b");');
    await assert.rejects(loadDesired(dir), /stream demo is defined twice/);
    await writeFile(join(dir, 'b.sql'), 'DROP STREAM demo;');
    const r = await apply();
    assert.equal(r.code, 1);
    assert.match(r.err, /only CREATE STREAM\/TABLE statements are supported/);
    assert.equal(fake.requests.length, 0);
  });

  it('refuses JSON that is neither a rule nor a ruleset', async () => {
    await writeFile(join(dir, 'x.json'), '{"sql":"SELECT 1"}');
    const r = await apply();
    assert.equal(r.code, 1);
    assert.match(r.err, /neither a rule/);
  });
});

describe('sameRule', () => {
  it('compares parsed JSON regardless of key order', () => {
    assert.ok(sameRule('{"b":1,"a":{"y":2,"x":[1,2]}}', { a: { x: [1, 2], y: 2 }, b: 1 }));
    assert.ok(!sameRule('{"a":{"x":[2,1]}}', { a: { x: [1, 2] } }));
    assert.ok(!sameRule('{"a":1,"triggered":false}', { a: 1, triggered: true }));
  });
});
