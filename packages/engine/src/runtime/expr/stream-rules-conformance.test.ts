import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from '@oort/sdk';
import '../../functions/index.js';
import { parseSelect } from '../../sql/index.js';
import { compareValue } from '../../conformance/functions-runner.js';
import { decodeValue, parseJsonKeepInts } from '../../conformance/functions-vectors.js';
import { ManualClock } from '../clock.js';
import type { EvalRow } from '../tuple.js';
import { compileAnalyticStep } from './calls.js';
import { compileCondition, compileExpr } from './compile.js';
import { compileProjectionSet, withSelectAliases } from './projection.js';
import { AnalyticKeys, simpleScope } from './scope.js';
import { collectAnalyticCalls } from './walk.js';

/**
 * The single-stream, window-less rules of shared/conformance/rules.json, run through the
 * expression pipeline only (analytic step → WHERE → SELECT → hit state), as a check of the
 * expression semantics. Cases that depend on other stages are skipped with the reason.
 */
const SKIP: Record<string, string> = {
  'rule_test/TestSingleSQL/TestSingleSQLRule4': 'schema validation in the preprocessor',
  'rule_test/TestSingleSQLOmitError/TestSingleSQLErrorRule1': 'sendError=false drops error rows in the runtime',
  'rule_test/TestSingleSQLForBinary/TestSingleSQLRule1': 'binary format decoding',
};

interface RuleCase {
  id: string; sql: string; options: { sendNilField?: boolean; isEventTime?: boolean };
  inputs: Record<string, { ts: bigint; data: Row }[]>; expected: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
const file = [process.env.OORT_CONFORMANCE_DIR, resolve(here, '../../../../../../shared/conformance')]
  .filter((d): d is string => !!d)
  .map((d) => resolve(d, 'rules.json'))
  .find((p) => existsSync(p));

function run(c: RuleCase): unknown[][] {
  const stmt = parseSelect(c.sql);
  const base = simpleScope({ clock: new ManualClock(0), sources: [{ name: stmt.from.name }], analytics: new AnalyticKeys(), ruleId: 'rule' });
  const scope = withSelectAliases(base, stmt.fields);
  const calls = collectAnalyticCalls([...stmt.fields.map((f) => f.expr), ...(stmt.where ? [stmt.where] : [])]);
  const analytic = compileAnalyticStep(calls, scope, compileExpr);
  const where = stmt.where ? compileCondition(stmt.where, scope) : undefined;
  const project = compileProjectionSet(stmt.fields, base, { sendNilField: !!c.options.sendNilField });
  const out: unknown[][] = [];
  for (const t of Object.values(c.inputs)[0]!) {
    const row: EvalRow = { data: t.data, meta: { topic: 'mock' }, ts: Number(t.ts), emitter: stmt.from.name };
    analytic(row);
    try {
      if (where && !where(row)) continue;
    } catch (e) {
      out.push([{ error: `run Where error: ${(e as Error).message}` }]);
      continue;
    }
    try {
      // a set-returning result reaches the sink as one emission per row
      for (const r of project(row)) out.push([r]);
      base.hits!.onPass(row.ts);
    } catch (e) {
      out.push([{ error: `run Select error: ${(e as Error).message}` }]);
    }
  }
  return out;
}

test('window-less single-stream rule vectors pass through the expression pipeline', { skip: file ? false : 'rules.json not found' }, () => {
  const data = parseJsonKeepInts(readFileSync(file!, 'utf8')) as { cases: RuleCase[] };
  const cases = data.cases.filter(
    (c) => !/window\(|join/i.test(c.sql) && Object.keys(c.inputs).length === 1 && !c.options.isEventTime && !SKIP[c.id],
  );
  const failures: string[] = [];
  for (const c of cases) {
    let reason: string | undefined;
    try {
      reason = compareValue(decodeValue(c.expected), run({ ...c, inputs: decodeValue(c.inputs) as RuleCase['inputs'] }));
    } catch (e) {
      reason = `threw ${(e as Error).message}`;
    }
    if (reason) failures.push(`${c.id}: ${c.sql}\n    ${reason}`);
  }
  console.log(`stream rule vectors: ${cases.length - failures.length}/${cases.length} passed`);
  assert.deepEqual(failures, []);
});
