import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findConformanceDir, formatRulesReport, runProjectionVectors, runRuleVectors } from './rules-runner.js';

// Pass counts reached when these floors were recorded; raise them when more cases pass.
const RULES_FLOOR = 54;
const PROJECTION_FLOOR = 117;

const dir = findConformanceDir();

test('the rule vectors of eKuiper pass at least as well as before', { skip: dir && existsSync(resolve(dir, 'rules.json')) ? false : 'shared/conformance/rules.json not found' }, async (t) => {
  const report = await runRuleVectors(resolve(dir!, 'rules.json'));
  t.diagnostic(formatRulesReport('rule vectors', report));
  assert.ok(report.passed >= RULES_FLOOR, `${formatRulesReport('rule vectors', report)}\npass count ${report.passed}/${report.total} dropped below the floor ${RULES_FLOOR}`);
});

test('the SQL projection vectors pass as rule test runs at least as well as before', { skip: dir && existsSync(resolve(dir, 'functions.json')) ? false : 'shared/conformance/functions.json not found' }, async (t) => {
  const report = await runProjectionVectors(resolve(dir!, 'functions.json'));
  t.diagnostic(formatRulesReport('projection vectors', report));
  assert.ok(report.passed >= PROJECTION_FLOOR, `${formatRulesReport('projection vectors', report)}\npass count ${report.passed}/${report.total} dropped below the floor ${PROJECTION_FLOOR}`);
});
