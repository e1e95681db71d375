/**
 * Runs the rule vectors of `shared/conformance/rules.json` (eKuiper's topotest cases) and the
 * `sql_projection` cases of `functions.json` as black-box rule test runs in simulated time
 * (`runRuleTest`), and compares the sink emissions as eKuiper's harness does (README §2):
 * trailing empty emissions are tolerated, metrics are not checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from '@oort/sdk';
import { parseSelect } from '../sql/index.js';
import { runRuleTest, type RuleTestSpec } from '../ruletest/run-rule-test.js';
import { compareValue } from './functions-runner.js';
import { decodeValue, parseJsonKeepInts } from './functions-vectors.js';
import { ruleTestEnv } from './rules-env.js';

interface Ingest { t: bigint; stream: string; i: bigint }
interface RuleCase {
  id: string; sql: string; features: string[];
  streams: Record<string, string>;
  options: Record<string, unknown>;
  inputs: Record<string, { ts: bigint; data: unknown }[]>;
  tables?: Record<string, { rows: unknown[] }>;
  expected: unknown[];
  timing: { clock_start_ms: bigint; ingest: Ingest[] };
  expected_metrics?: Record<string, unknown> | null;
}
interface ProjectionCase {
  id: string; kind?: string; sql: string; category?: string;
  input: { emitter: string; data: unknown; meta?: unknown };
  expected: unknown; expect_parse_error?: boolean; send_nil?: boolean; send_meta?: boolean;
  context?: { rule_id?: string; rule_start?: bigint };
}

export interface RuleCaseResult { id: string; features: string[]; ok: boolean; reason?: string }
export interface RulesReport {
  total: number; passed: number; results: RuleCaseResult[];
  byFeature: Record<string, { total: number; passed: number }>;
  /** Informational (eKuiper's metric names follow its own plan): expected metric keys matched. */
  metrics?: { matched: number; total: number };
}

/** The conformance folder (`OORT_CONFORMANCE_DIR`, or `../shared/conformance` next to the repository). */
export function findConformanceDir(): string | undefined {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  const dirs = [process.env.OORT_CONFORMANCE_DIR, resolve(repo, '../shared/conformance')].filter((d): d is string => !!d);
  return dirs.find((d) => existsSync(resolve(d, 'rules.json')) || existsSync(resolve(d, 'functions.json')));
}

/** The runRuleTest spec of a rules.json case (README §2: ingest order, clock start, no final leap). */
export function ruleCaseSpec(c: RuleCase): RuleTestSpec {
  const start = Number(c.timing.clock_start_ms);
  const events: RuleTestSpec['events'] = [];
  // a file-backed table is read once at rule start, before any stream data
  for (const [name, t] of Object.entries(c.tables ?? {})) {
    if (c.streams[name]) events.push({ t: start, stream: name, data: decodeValue(t.rows) as Row[], meta: {} });
  }
  for (const ing of c.timing.ingest) {
    const input = c.inputs[ing.stream]![Number(ing.i)]!;
    events.push({ t: Number(ing.t), stream: ing.stream, data: decodeValue(input.data) as Row, meta: { topic: 'mock' } });
  }
  // CONF_KEY names a source configuration of eKuiper's test setup; a rule-test stream is fed
  // from events only, so the key is dropped rather than looked up
  const streams = Object.fromEntries(Object.entries(c.streams).map(([k, v]) => [k, v.replace(/,?\s*CONF_KEY\s*=\s*"[^"]*"/i, '')]));
  // the Go tests build RuleOption literals: an option they do not set is Go's zero value
  const options = { lateTolerance: 0, ...c.options };
  return { sql: c.sql, streams, options, clock: { start }, events };
}

/** Compares emissions as eKuiper's harness: extra trailing `[]` emissions are cut off. */
export function compareEmissions(expected: unknown[], actual: Row[][]): string | undefined {
  let act = actual;
  if (act.length > expected.length && act.slice(expected.length).every((e) => e.length === 0)) act = act.slice(0, expected.length);
  if (act.length !== expected.length) return `${act.length} emissions, expected ${expected.length}: ${show(act)}`;
  return compareValue(expected, act);
}

/** Informational: how many of the case's expected metrics have the same value here (README §2.2). */
function metricMatches(c: RuleCase, metrics: Record<string, unknown>): [number, number] {
  const exp = c.expected_metrics ?? {};
  let ok = 0, total = 0;
  for (const [k, v] of Object.entries(exp)) {
    total++;
    const a = metrics[k];
    if (k.endsWith('process_latency_us') ? Number(a) >= Number(v) : a !== undefined && String(a) === String(v)) ok++;
  }
  return [ok, total];
}

async function runRuleCase(c: RuleCase, counts: [number, number]): Promise<string | undefined> {
  let res;
  try {
    res = await runRuleTest(ruleCaseSpec(c), ruleTestEnv());
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
  const [ok, total] = metricMatches(c, res.metrics);
  counts[0] += ok;
  counts[1] += total;
  return compareEmissions(decodeValue(c.expected) as unknown[], res.emissions);
}

async function runProjectionCase(c: ProjectionCase): Promise<string | undefined> {
  let from: string;
  try {
    from = parseSelect(c.sql).from.name;
  } catch (e) {
    return c.expect_parse_error ? undefined : `parse error ${(e as Error).message}`;
  }
  const input = decodeValue(c.input) as { data: Row; meta?: Row };
  const start = c.context?.rule_start !== undefined ? Number(c.context.rule_start) : 0;
  let emissions: Row[][];
  try {
    const res = await runRuleTest({
      id: c.context?.rule_id,
      sql: c.sql,
      streams: { [from]: `CREATE STREAM ${from} () WITH (TYPE="mock", FORMAT="json")` },
      options: { sendNilField: !!c.send_nil, sendMetaToSink: !!c.send_meta && input.meta !== undefined, sendError: true },
      clock: { start },
      events: [{ t: start, stream: from, data: input.data, meta: input.meta ?? {} }],
    }, ruleTestEnv({ ignoreCase: true }));
    emissions = res.emissions;
  } catch (e) {
    return c.expect_parse_error ? undefined : `threw ${(e as Error).message}`;
  }
  if (c.expect_parse_error) return `expected a parse error, got ${show(emissions)}`;
  return compareEmissions([decodeValue(c.expected)], emissions);
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes(${x.length})` : x));
}

function report(results: RuleCaseResult[]): RulesReport {
  const byFeature: RulesReport['byFeature'] = {};
  for (const r of results) {
    for (const f of r.features) {
      const b = (byFeature[f] ??= { total: 0, passed: 0 });
      b.total++;
      if (r.ok) b.passed++;
    }
  }
  return { total: results.length, passed: results.filter((r) => r.ok).length, results, byFeature };
}

/** Runs every case of rules.json. */
export async function runRuleVectors(file: string): Promise<RulesReport> {
  const data = parseJsonKeepInts(readFileSync(file, 'utf8')) as { cases: RuleCase[] };
  const results: RuleCaseResult[] = [];
  const counts: [number, number] = [0, 0];
  for (const c of data.cases) {
    let reason: string | undefined;
    try { reason = await runRuleCase(c, counts); } catch (e) { reason = `runner crash: ${(e as Error).stack}`; }
    results.push({ id: c.id, features: c.features, ok: !reason, reason });
  }
  return { ...report(results), metrics: { matched: counts[0], total: counts[1] } };
}

/** Runs the sql_projection cases of functions.json as one-event rules. */
export async function runProjectionVectors(file: string): Promise<RulesReport> {
  const data = parseJsonKeepInts(readFileSync(file, 'utf8')) as { cases: ProjectionCase[] };
  const results: RuleCaseResult[] = [];
  for (const c of data.cases.filter((x) => x.kind === 'sql_projection')) {
    let reason: string | undefined;
    try { reason = await runProjectionCase(c); } catch (e) { reason = `runner crash: ${(e as Error).stack}`; }
    results.push({ id: c.id, features: [`projection:${c.category ?? 'other'}`], ok: !reason, reason });
  }
  return report(results);
}

/** Pass count per feature, then each failure with its reason. */
export function formatRulesReport(title: string, r: RulesReport): string {
  const lines = [`${title}: ${r.passed}/${r.total} passed`];
  if (r.metrics) lines.push(`  (informational: ${r.metrics.matched}/${r.metrics.total} expected metric values match; eKuiper's metric names follow its own plan)`);
  for (const [f, b] of Object.entries(r.byFeature).sort()) lines.push(`  ${f.padEnd(28)} ${b.passed}/${b.total}`);
  const failed = r.results.filter((x) => !x.ok);
  if (failed.length) lines.push('failures:');
  for (const f of failed) lines.push(`  ${f.id}: ${f.reason}`);
  return lines.join('\n');
}
