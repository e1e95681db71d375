/**
 * `npm run conformance`: the function unit vectors, the SQL projection vectors and the rule
 * vectors of `../shared/conformance` (when present), with a summary per category/feature.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatReport, runFunctionVectors } from './functions-runner.js';
import { findConformanceDir, formatRulesReport, runProjectionVectors, runRuleVectors } from './rules-runner.js';

const dir = findConformanceDir();
if (!dir) {
  console.log('conformance vectors not found (expected ../shared/conformance next to the repository, or OORT_CONFORMANCE_DIR): skipped');
} else {
  const functions = resolve(dir, 'functions.json');
  const rules = resolve(dir, 'rules.json');
  const summary: string[] = [];
  if (existsSync(functions)) {
    const f = runFunctionVectors(functions);
    console.log(formatReport(f));
    const p = await runProjectionVectors(functions);
    console.log(formatRulesReport('projection vectors', p));
    summary.push(`functions ${f.passed}/${f.total}`, `projections ${p.passed}/${p.total}`);
  }
  if (existsSync(rules)) {
    const r = await runRuleVectors(rules);
    console.log(formatRulesReport('rule vectors', r));
    summary.push(`rules ${r.passed}/${r.total}`);
  }
  console.log(`\nconformance summary: ${summary.join(', ')}`);
}
