import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteKV, SqliteKV } from './sqlite-kv.js';
import { describeKVStoreContract } from './kv-contract.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'oort-kv-'));
}

describeKVStoreContract('SqliteKV', () => {
  const dir = tempDir();
  return { store: openSqliteKV(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

describe('SqliteKV', () => {
  it('creates oort.db in the data directory, making the directory if needed', () => {
    const dir = tempDir();
    try {
      const kv = openSqliteKV(join(dir, 'nested', 'data'));
      kv.set('ns', 'k', 'v');
      kv.close();
      assert.ok(existsSync(join(dir, 'nested', 'data', 'oort.db')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps values across close and reopen', () => {
    const dir = tempDir();
    try {
      const a = openSqliteKV(dir);
      a.set('rule', 'r1', '{"id":"r1"}');
      a.close();
      const b = openSqliteKV(dir);
      assert.equal(b.get('rule', 'r1'), '{"id":"r1"}');
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses write-ahead logging', () => {
    const dir = tempDir();
    try {
      const kv = new SqliteKV(join(dir, 'x.db'));
      kv.set('ns', 'k', 'v');
      assert.ok(existsSync(join(dir, 'x.db-wal')));
      kv.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tolerates close being called twice', () => {
    const kv = new SqliteKV(':memory:');
    kv.close();
    kv.close();
  });
});
