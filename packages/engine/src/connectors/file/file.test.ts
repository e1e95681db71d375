import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestContext, describeSinkContract, describeSourceContract, RecordingIO, waitFor } from '@oort/sdk/testing';
import { compileSinkTransform } from '../../template/sink-transform.js';
import { FileSink } from './file-sink.js';
import { FileSource } from './file-source.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'oort-file-'));

async function readSource(props: Record<string, unknown>): Promise<RecordingIO> {
  const ctx = createTestContext();
  const src = new FileSource();
  src.provision(ctx, props);
  const io = new RecordingIO();
  src.connect(ctx, io);
  await waitFor(() => io.ended || io.errors.length > 0, 5000, 'eof');
  src.close();
  return io;
}

async function writeSink(props: Record<string, unknown>, batches: Record<string, unknown>[][]): Promise<void> {
  const ctx = createTestContext();
  const sink = new FileSink();
  sink.provision(ctx, props);
  sink.connect(ctx, () => {});
  const transform = compileSinkTransform(props, 'bytes');
  for (const b of batches) for (const item of transform(b)) await sink.collect(ctx, item);
  await sink.close(ctx);
}

describe('file source', () => {
  it('reads a JSON array file as rows then signals eof', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.json'), '[{"id":1},{"id":2}]');
    const io = await readSource({ path: dir, datasource: 'a.json' });
    assert.deepEqual(io.rows(), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(io.received[0]!.meta, { file: 'a.json' });
  });

  it('hands JSON lines over as bytes, skipping ignored lines', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.txt'), 'header\n{"id":1}\n\n{"id":2}\nfooter\n');
    const io = await readSource({ path: dir, datasource: 'a.txt', fileType: 'lines', ignoreStartLines: 1, ignoreEndLines: 1 });
    assert.equal(io.received[0]!.kind, 'bytes');
    assert.deepEqual(io.rows(), [{ id: 1 }, { id: 2 }]);
  });

  it('reads CSV with a header as string rows', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'id;name\n1;a\n2;b\n');
    const io = await readSource({ path: dir, datasource: 'a.csv', fileType: 'csv', hasHeader: true, delimiter: ';' });
    assert.deepEqual(io.rows(), [
      { id: '1', name: 'a' },
      { id: '2', name: 'b' },
    ]);
  });

  it('reads CSV with configured columns', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), '1,a\n');
    const io = await readSource({ path: dir, datasource: 'a.csv', fileType: 'csv', columns: ['id', 'name'] });
    assert.deepEqual(io.rows(), [{ id: '1', name: 'a' }]);
  });

  it('reads every file of the folder without a datasource', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.json'), '[{"id":1}]');
    writeFileSync(join(dir, 'b.json'), '{"id":2}');
    const io = await readSource({ path: dir });
    assert.deepEqual(io.rows(), [{ id: 1 }, { id: 2 }]);
  });

  it('reports a missing file as an error', async () => {
    const io = await readSource({ path: tmp(), datasource: 'nope.json' });
    assert.match(io.errors[0]!.message, /ENOENT/);
  });
});

describe('file sink', () => {
  it('appends one JSON document per line', async () => {
    const file = join(tmp(), 'out.txt');
    await writeSink({ path: file, sendSingle: true }, [[{ a: 1 }, { a: 2 }], [{ a: 3 }]]);
    await writeSink({ path: file, sendSingle: true }, [[{ a: 4 }]]);
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n');
  });

  it('writes a valid JSON array file', async () => {
    const file = join(tmp(), 'out.json');
    await writeSink({ path: file, fileType: 'json', sendSingle: true }, [[{ a: 1 }, { a: 2 }]]);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [{ a: 1 }, { a: 2 }]);
  });

  it('writes CSV with one header line', async () => {
    const file = join(tmp(), 'out.csv');
    await writeSink({ path: file, fileType: 'csv', format: 'delimited', hasHeader: true, fields: ['id', 'v'] }, [[{ id: 1, v: 'x' }], [{ id: 2, v: 'y' }]]);
    assert.equal(readFileSync(file, 'utf8'), 'id,v\n1,x\n2,y\n');
  });

  it('requires the delimited format for CSV files', () => {
    assert.throws(() => new FileSink().provision(createTestContext(), { path: 'x', fileType: 'csv' }), /delimited/);
  });

  it('fans out to files named by a path template', async () => {
    const dir = tmp();
    await writeSink({ path: `${dir}/{{.dev}}.txt`, sendSingle: true }, [[{ dev: 'a' }, { dev: 'b' }, { dev: 'a' }]]);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8').split('\n').length, 3);
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), '{"dev":"b"}\n');
  });

  it('rolls to a new file after rollingCount messages, named with the time', async () => {
    const dir = tmp();
    await writeSink({ path: join(dir, 'r.txt'), sendSingle: true, rollingCount: 2, rollingNamePattern: 'suffix' }, [[{ a: 1 }, { a: 2 }, { a: 3 }]]);
    const files = readdirSync(dir).sort();
    assert.ok(files.length === 2 && files.every((f) => /^r-\d+(_\d+)?\.txt$/.test(f)), files.join(','));
    const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    assert.equal(lines.length, 3);
  });

  it('rolls JSON files into separate valid arrays', async () => {
    const dir = tmp();
    const ctx = createTestContext({ clock: { now: () => n++, setTimeout: () => ({ cancel() {} }), setInterval: () => ({ cancel() {} }) } });
    let n = 1000;
    const sink = new FileSink();
    const props = { path: join(dir, 'r.json'), fileType: 'json', rollingCount: 2, rollingNamePattern: 'prefix' };
    sink.provision(ctx, props);
    for (let i = 0; i < 5; i++) await sink.collect(ctx, { payload: Buffer.from(`{"i":${i}}`), props });
    await sink.close(ctx);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 3);
    assert.deepEqual(files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).length), [2, 2, 1]);
  });

  it('round-trips rows through the file sink and source', async () => {
    const dir = tmp();
    const rows = [
      { id: 1, name: 'x' },
      { id: 2, name: 'y' },
    ];
    await writeSink({ path: join(dir, 'rt.json'), fileType: 'json', sendSingle: true }, [rows]);
    const io = await readSource({ path: dir, datasource: 'rt.json' });
    assert.deepEqual(io.rows(), rows);
  });
});

{
  const dir = tmp();
  let n = 0;
  describeSinkContract('file', () => new FileSink(), {
    props: () => ({ path: join(dir, `c${n++}.txt`) }),
    received: (props) => readFileSync(props.path as string, 'utf8').split('\n').filter(Boolean),
  });
  writeFileSync(join(dir, 'src.json'), '[{"n":1}]');
  describeSourceContract('file', () => new FileSource(), { props: { path: dir, datasource: 'src.json' }, bounded: true });
}
