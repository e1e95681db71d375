import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestContext, waitFor } from '@oort/sdk/testing';
import { FileSink } from './file-sink.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'oort-file-sink-'));
const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

describe('file sink buffering', () => {
  it('writes gathered lines within a short time without waiting for close', async () => {
    const file = join(tmp(), 'out.txt');
    const ctx = createTestContext();
    const sink = new FileSink();
    sink.provision(ctx, { path: file });
    sink.connect(ctx, () => {});
    for (let i = 0; i < 3; i++) await sink.collect(ctx, { payload: Buffer.from(`{"i":${i}}`), props: {} });
    await waitFor(() => read(file) === '{"i":0}\n{"i":1}\n{"i":2}\n', 5000, 'lines in the file');
    await sink.close(ctx);
    assert.equal(read(file), '{"i":0}\n{"i":1}\n{"i":2}\n');
  });

  it('keeps every line in order across many size-triggered writes', async () => {
    const file = join(tmp(), 'big.txt');
    const ctx = createTestContext();
    const sink = new FileSink();
    sink.provision(ctx, { path: file, rollingCount: 0 });
    sink.connect(ctx, () => {});
    const n = 20_000;
    for (let i = 0; i < n; i++) await sink.collect(ctx, { payload: Buffer.from(`{"i":${i},"pad":"${'x'.repeat(20)}"}`), props: {} });
    await sink.close(ctx);
    const lines = read(file).split('\n').filter(Boolean);
    assert.equal(lines.length, n);
    lines.forEach((l, i) => assert.equal(JSON.parse(l).i, i));
  });
});
