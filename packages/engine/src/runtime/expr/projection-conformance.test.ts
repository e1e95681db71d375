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
import { compileProjection } from './projection.js';
import { simpleScope } from './scope.js';

/**
 * The `sql_projection` cases of shared/conformance/functions.json: eKuiper's ProjectOp tests,
 * which parse the SQL and apply only the projection to one tuple (no WHERE, no schema; they
 * run without a config, so field lookup falls back to case-insensitive).
 */
interface ProjectionCase {
  id: string; kind?: string; sql: string;
  input: { emitter: string; data: Row; meta?: Row };
  expected: unknown; expect_parse_error?: boolean; send_meta?: boolean; send_nil?: boolean;
  context?: { rule_id?: string; rule_start?: bigint };
}

const here = dirname(fileURLToPath(import.meta.url));
const file = [process.env.OORT_CONFORMANCE_DIR, resolve(here, '../../../../../../shared/conformance')]
  .filter((d): d is string => !!d)
  .map((d) => resolve(d, 'functions.json'))
  .find((p) => existsSync(p));

function runCase(c: ProjectionCase): string | undefined {
  let out: Row;
  try {
    const stmt = parseSelect(c.sql);
    const scope = simpleScope({
      clock: new ManualClock(0),
      sources: [{ name: stmt.from.name, alias: stmt.from.alias }],
      ruleId: c.context?.rule_id ?? 'rule0',
      ruleStart: Number(c.context?.rule_start ?? 0n),
      ignoreCase: true,
    });
    const project = compileProjection(stmt.fields, scope, { sendNilField: !!c.send_nil });
    const input = decodeValue(c.input) as ProjectionCase['input'];
    out = project({ data: input.data, meta: input.meta ?? {}, ts: 0, emitter: input.emitter });
    if (c.send_meta && input.meta) out = { ...out, __meta: input.meta };
  } catch (e) {
    return c.expect_parse_error ? undefined : `threw ${(e as Error).message}`;
  }
  if (c.expect_parse_error) return `expected an error, got ${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  return compareValue(decodeValue(c.expected), [out]);
}

test('eKuiper projection vectors pass', { skip: file ? false : 'shared/conformance/functions.json not found' }, () => {
  const data = parseJsonKeepInts(readFileSync(file!, 'utf8')) as { cases: ProjectionCase[] };
  const cases = data.cases.filter((c) => c.kind === 'sql_projection');
  const failures = cases.map((c) => ({ id: c.id, sql: c.sql, reason: runCase(c) })).filter((f) => f.reason !== undefined);
  if (failures.length) console.log(failures.map((f) => `${f.id}: ${f.sql}\n    ${f.reason}`).join('\n'));
  console.log(`projection vectors: ${cases.length - failures.length}/${cases.length} passed`);
  assert.deepEqual(failures, []);
});
