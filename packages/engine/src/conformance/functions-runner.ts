/**
 * Runs the built-in function unit vectors of `shared/conformance/functions.json` (eKuiper's
 * `internal/binder/function` tests) against Oort's function library and reports per category.
 * `sql_projection` cases are left to the SQL runner.
 *
 * Differences from Go that the comparison tolerates (documented in README §1): Go `int` and
 * `int64` are one integer type, also inside error texts (`int(1)` ≡ `int64(1)`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionContext, StateStore } from '@oort/sdk';
import '../functions/index.js';
import { checkNil, getBuiltin } from '../functions/registry.js';
import { Approx, ExpectedError, decodeArgInfo, decodeValue, parseJsonKeepInts } from './functions-vectors.js';

interface UnitCase {
  id: string; category: string; function: string; call: 'exec' | 'check_then_exec' | 'validate';
  args: unknown; expected?: unknown; expected_error?: unknown; compare: string; group: string; order: number;
  kind?: string;
}

export interface CaseResult { id: string; category: string; fn: string; ok: boolean; reason?: string }
export interface RunReport {
  total: number; passed: number; results: CaseResult[];
  byCategory: Record<string, { total: number; passed: number }>;
}

/** Finds `shared/conformance/functions.json` next to the repository (or via OORT_CONFORMANCE_DIR). */
export function findVectors(): string | undefined {
  const candidates: string[] = [];
  if (process.env.OORT_CONFORMANCE_DIR) candidates.push(resolve(process.env.OORT_CONFORMANCE_DIR, 'functions.json'));
  // this file: <repo>/packages/engine/{src,dist}/conformance/
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  candidates.push(resolve(repo, '../shared/conformance/functions.json'));
  return candidates.find((p) => existsSync(p));
}

class MapState implements StateStore {
  private readonly m = new Map<string, unknown>();
  get<T>(k: string): T | undefined { return this.m.get(k) as T | undefined; }
  put(k: string, v: unknown): void { this.m.set(k, v); }
  delete(k: string): void { this.m.delete(k); }
}

function newContext(): FunctionContext {
  const noop = () => {};
  return {
    ruleId: 'rule0', opId: 'op', instanceId: 0, funcId: 0,
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    clock: { now: () => 1700000000000, setTimeout: () => ({ cancel: noop }), setInterval: () => ({ cancel: noop }) },
    state: new MapState(),
    signal: new AbortController().signal,
  };
}

const normInt = (s: string) => s.replace(/\bu?int(8|16|32|64)?\(/g, 'int(').replace(/\bto u?int(8|16|32|64)?\b/g, 'to int');

/** Compares an actual value with a decoded expectation; returns a reason on mismatch. */
export function compareValue(exp: unknown, act: unknown, path = '$'): string | undefined {
  if (exp instanceof ExpectedError) {
    if (!(act instanceof ActualError)) return `${path}: expected error ${JSON.stringify(exp.message)}, got ${show(act)}`;
    if (exp.message !== null && normInt(exp.message) !== normInt(act.message)) return `${path}: error ${JSON.stringify(act.message)} != ${JSON.stringify(exp.message)}`;
    return undefined;
  }
  if (act instanceof ActualError) return `${path}: unexpected error ${JSON.stringify(act.message)}, expected ${show(exp)}`;
  if (exp instanceof Approx) {
    if (typeof act !== 'number') return `${path}: expected float ≈${exp.value}, got ${show(act)}`;
    const tol = Math.max(Math.abs(exp.value), 1e-300) * 1e-12;
    return Math.abs(act - exp.value) <= tol ? undefined : `${path}: ${act} not ≈ ${exp.value}`;
  }
  if (exp === null || exp === undefined) return act === null || act === undefined ? undefined : `${path}: expected nil, got ${show(act)}`;
  if (typeof exp === 'bigint' || typeof exp === 'number' || typeof exp === 'string' || typeof exp === 'boolean') {
    if (typeof act !== typeof exp) return `${path}: expected ${typeof exp} ${show(exp)}, got ${typeof act} ${show(act)}`;
    if (typeof exp === 'number' && Number.isNaN(exp) && Number.isNaN(act)) return undefined;
    // error rows of rule emissions carry Go type names too
    if (typeof exp === 'string' && path.endsWith('.error') && normInt(exp) === normInt(act as string)) return undefined;
    return act === exp ? undefined : `${path}: ${show(act)} != ${show(exp)}`;
  }
  if (exp instanceof Date) {
    return act instanceof Date && act.getTime() === exp.getTime() ? undefined : `${path}: expected time ${exp.toISOString()}, got ${show(act)}`;
  }
  if (exp instanceof Uint8Array) {
    return act instanceof Uint8Array && Buffer.from(act).equals(Buffer.from(exp)) ? undefined : `${path}: bytes differ: ${show(act)}`;
  }
  if (Array.isArray(exp)) {
    if (!Array.isArray(act)) return `${path}: expected array, got ${show(act)}`;
    if (act.length !== exp.length) return `${path}: length ${act.length} != ${exp.length} (${show(act)})`;
    for (let i = 0; i < exp.length; i++) { const r = compareValue(exp[i], act[i], `${path}[${i}]`); if (r) return r; }
    return undefined;
  }
  const eo = exp as Record<string, unknown>;
  if (typeof act !== 'object' || act === null || Array.isArray(act) || act instanceof Date || act instanceof Uint8Array) {
    return `${path}: expected map, got ${show(act)}`;
  }
  const ao = act as Record<string, unknown>;
  const ek = Object.keys(eo).sort(), ak = Object.keys(ao).sort();
  if (ek.join('\u0000') !== ak.join('\u0000')) return `${path}: keys ${JSON.stringify(ak)} != ${JSON.stringify(ek)}`;
  for (const k of ek) { const r = compareValue(eo[k], ao[k], `${path}.${k}`); if (r) return r; }
  return undefined;
}

function compareUnordered(exp: unknown, act: unknown): string | undefined {
  if (!Array.isArray(exp) || !Array.isArray(act)) return compareValue(exp, act);
  if (exp.length !== act.length) return `length ${act.length} != ${exp.length} (${show(act)})`;
  const used = new Set<number>();
  for (const e of exp) {
    const j = act.findIndex((a, k) => !used.has(k) && compareUnordered(e, a) === undefined);
    if (j < 0) return `no match for ${show(e)} in ${show(act)}`;
    used.add(j);
  }
  return undefined;
}

class ActualError { constructor(readonly message: string) {} }

function show(v: unknown): string {
  if (v instanceof ActualError) return `error(${v.message})`;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes(${Buffer.from(x).toString('base64')})` : x)) ?? String(v);
  } catch { return String(v); }
}

function runCase(c: UnitCase, ctx: FunctionContext): string | undefined {
  const f = getBuiltin(c.function);
  if (!f) return `function ${c.function} is not registered`;
  if (c.call === 'validate') {
    const args = Array.isArray(c.args) ? c.args.map(decodeArgInfo) : [];
    const err = f.validate?.(args);
    const want = c.expected_error;
    if (want === null || want === undefined) return err === undefined ? undefined : `unexpected validation error ${JSON.stringify(err)}`;
    if (want === true) return err !== undefined ? undefined : 'expected a validation error, got none';
    return err === want ? undefined : `validation error ${JSON.stringify(err)} != ${JSON.stringify(want)}`;
  }
  const args = (decodeValue(c.args) as unknown[]) ?? [];
  let actual: unknown;
  try {
    const chk = c.call === 'check_then_exec' ? checkNil(f.nil, args) : { skip: false, value: undefined };
    actual = chk.skip ? chk.value : f.exec(ctx, args);
  } catch (e) {
    actual = new ActualError((e as Error).message);
  }
  const exp = decodeValue(c.expected);
  switch (c.compare) {
    case 'one_of': {
      const opts = exp as unknown[];
      return opts.some((o) => compareValue(o, actual) === undefined) ? undefined : `${show(actual)} is none of ${show(opts)}`;
    }
    case 'unordered_list': return compareUnordered(exp, actual);
    default: return compareValue(exp, actual);
  }
}

/** Runs every unit case of the vectors file. */
export function runFunctionVectors(file: string): RunReport {
  const data = parseJsonKeepInts(readFileSync(file, 'utf8')) as { cases: UnitCase[] };
  const cases = data.cases.filter((c) => c.kind !== 'sql_projection');
  const groups = new Map<string, UnitCase[]>();
  for (const c of cases) { const g = groups.get(c.group) ?? []; g.push(c); groups.set(c.group, g); }
  const results: CaseResult[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => Number(a.order) - Number(b.order));
    const ctx = newContext();
    for (const c of g) {
      let reason: string | undefined;
      try { reason = runCase(c, ctx); } catch (e) { reason = `runner crash: ${(e as Error).stack}`; }
      results.push({ id: c.id, category: c.category, fn: c.function, ok: !reason, reason });
    }
  }
  const byCategory: RunReport['byCategory'] = {};
  for (const r of results) {
    const b = (byCategory[r.category] ??= { total: 0, passed: 0 });
    b.total++;
    if (r.ok) b.passed++;
  }
  return { total: results.length, passed: results.filter((r) => r.ok).length, results, byCategory };
}

/** Human-readable summary: pass count per category, then each failure with its reason. */
export function formatReport(r: RunReport): string {
  const lines = [`function vectors: ${r.passed}/${r.total} passed (${((100 * r.passed) / r.total).toFixed(1)}%)`];
  for (const [cat, b] of Object.entries(r.byCategory).sort()) lines.push(`  ${cat.padEnd(10)} ${b.passed}/${b.total}`);
  const failed = r.results.filter((x) => !x.ok);
  if (failed.length) lines.push('failures:');
  for (const f of failed) lines.push(`  ${f.id}: ${f.reason}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const file = findVectors();
  if (!file) { console.log('functions.json not found (expected ../shared/conformance next to the repo): skipped'); }
  else console.log(formatReport(runFunctionVectors(file)));
}
