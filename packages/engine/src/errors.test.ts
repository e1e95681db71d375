import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS, OortError } from './errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

test('docs/errors.md lists every catalogue entry with its code, status, domain and retry flag', () => {
  for (const [name, e] of Object.entries(ERRORS)) {
    const row = `| ${name} | ${e.code} | ${e.status} | ${e.domain} | ${e.retry ? 'yes' : 'no'} | ${e.text} |`;
    assert.ok(doc.includes(row), `missing or stale row: ${row}`);
  }
  const rows = doc.split('\n').filter((l) => /^\| [A-Z_]+ \| \d+ \|/.test(l));
  assert.equal(rows.length, Object.keys(ERRORS).length, 'the doc lists entries that are not in the catalogue');
});

test('error codes are unique and OortError carries the code and status of its entry', () => {
  const codes = Object.values(ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  const e = new OortError('NOT_FOUND', 'rule x is not found');
  assert.equal(e.code, 1002);
  assert.equal(e.status, 404);
});
