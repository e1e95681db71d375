import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { OortError } from '../errors.js';
import { extractZip } from './unzip.js';
import { renameInZip, tempData, zipBuffer } from './test-support.js';

async function withZip(buf: Buffer, fn: (zip: string, dest: string, root: string) => Promise<void>): Promise<void> {
  const t = tempData();
  try {
    const zip = join(t.dir, 'p.zip');
    writeFileSync(zip, buf);
    const dest = join(t.dir, 'out');
    mkdirSync(dest);
    await fn(zip, dest, t.dir);
  } finally {
    t.cleanup();
  }
}

const isArchiveError = (re: RegExp) => (e: OortError) => e.errorName === 'PLUGIN_ARCHIVE' && re.test(e.message);

describe('extractZip', () => {
  it('extracts files and folders and keeps the executable bit', async () => {
    const buf = await zipBuffer([
      { name: 'a.json', content: '{}' },
      { name: 'etc/conf.txt', content: 'x' },
      { name: 'run.sh', content: '#!/bin/sh', mode: 0o100755 },
    ]);
    await withZip(buf, async (zip, dest) => {
      const files = await extractZip(zip, dest);
      assert.deepEqual(files.sort(), ['a.json', 'etc/conf.txt', 'run.sh']);
      assert.ok(existsSync(join(dest, 'etc', 'conf.txt')));
      assert.ok((statSync(join(dest, 'run.sh')).mode & 0o111) !== 0);
    });
  });

  it('refuses entries that climb out with ..', async () => {
    const buf = renameInZip(await zipBuffer([{ name: 'aa/evil.txt', content: 'x' }]), 'aa/evil.txt', '../evil.txt');
    await withZip(buf, async (zip, dest, root) => {
      await assert.rejects(extractZip(zip, dest), isArchiveError(/\.\./));
      assert.equal(existsSync(join(root, 'evil.txt')), false);
    });
  });

  it('refuses absolute entry names', async () => {
    const buf = renameInZip(await zipBuffer([{ name: 'tmp/evil.txt', content: 'x' }]), 'tmp/evil.txt', '/tmp/evil.tx');
    await withZip(buf, async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest), isArchiveError(/absolute/));
    });
  });

  it('refuses symbolic links', async () => {
    const buf = await zipBuffer([{ name: 'link', content: '/etc/passwd', mode: 0o120777 }]);
    await withZip(buf, async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest), isArchiveError(/symbolic link/));
    });
  });

  it('refuses archives with too many entries', async () => {
    const buf = await zipBuffer(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    await withZip(buf, async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest, { maxEntries: 5 }), isArchiveError(/6 entries/));
      assert.deepEqual(readdirSync(dest), []);
    });
  });

  it('refuses archives that expand beyond the size limit', async () => {
    const buf = await zipBuffer([{ name: 'big', content: Buffer.alloc(100_000) }]);
    await withZip(buf, async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest, { maxTotalBytes: 50_000 }), isArchiveError(/limit of 50000/));
    });
  });

  it('refuses a file that is not a zip', async () => {
    await withZip(Buffer.from('this is not a zip at all, just text'), async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest), isArchiveError(/not a valid zip/));
    });
  });

  it('refuses a truncated zip', async () => {
    const full = await zipBuffer([{ name: 'a.txt', content: 'hello world '.repeat(100) }]);
    await withZip(full.subarray(0, full.length - 30), async (zip, dest) => {
      await assert.rejects(extractZip(zip, dest), isArchiveError(/.+/));
    });
  });
});
