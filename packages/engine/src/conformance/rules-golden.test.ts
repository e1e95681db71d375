import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGoldenCases, runGoldenCase } from './rules-golden.js';

for (const c of loadGoldenCases()) {
  test(`${c.file}: ${c.name}`, async () => {
    assert.equal(await runGoldenCase(c), undefined);
  });
}
