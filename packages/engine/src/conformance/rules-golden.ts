import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRuleTest, type RuleTestSpec } from '../ruletest/run-rule-test.js';
import { compareValue } from './functions-runner.js';
import { decodeValue, parseJsonKeepInts } from './functions-vectors.js';
import { ruleTestEnv } from './rules-env.js';

/**
 * SQL golden cases in `packages/engine/test-data/rules/*.json`: a runRuleTest spec plus
 * `name`, `expected` (every emission, in order), optional `expectedMetrics` and
 * `expectError` (a substring of the error the run must fail with). Numbers follow the
 * conformance convention: `3` is an integer, `3.0` a float.
 */
export interface GoldenCase extends RuleTestSpec {
  name: string;
  file: string;
  expected?: unknown[];
  expectedMetrics?: Record<string, unknown>;
  expectError?: string;
}

export const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-data/rules');

const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

export function loadGoldenCases(dir = GOLDEN_DIR): GoldenCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const c = decodeValue(parseJsonKeepInts(readFileSync(join(dir, f), 'utf8'))) as GoldenCase;
    // times and options are plain numbers; only row values keep the integer/float distinction
    return {
      ...c,
      file: f,
      clock: c.clock && { start: num(c.clock.start) },
      until: num(c.until),
      events: c.events.map((e) => ({ ...e, t: Number(e.t) })),
      options: c.options && Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    };
  });
}

/** Runs one golden case; returns the reason it failed, if it did. */
export async function runGoldenCase(c: GoldenCase): Promise<string | undefined> {
  let res;
  try {
    res = await runRuleTest(c, ruleTestEnv());
  } catch (e) {
    const msg = (e as Error).message;
    if (c.expectError !== undefined) return msg.includes(c.expectError) ? undefined : `error ${JSON.stringify(msg)} does not contain ${JSON.stringify(c.expectError)}`;
    return `threw ${msg}`;
  }
  if (c.expectError !== undefined) return `expected an error containing ${JSON.stringify(c.expectError)}`;
  const r = compareValue(c.expected ?? [], res.emissions);
  if (r) return r;
  for (const [k, v] of Object.entries(c.expectedMetrics ?? {})) {
    if (res.metrics[k] !== Number(v)) return `metric ${k} is ${String(res.metrics[k])}, expected ${String(v)}`;
  }
  return undefined;
}
