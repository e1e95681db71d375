import type { ArgInfo, FunctionContext, FunctionDef } from '@oort/sdk';
import { oortError } from '../../errors.js';
import type { Call, Expr } from '../../sql/ast.js';
import type { BuiltinFunction, NilPolicy } from '../../functions/registry.js';
import { EvalError, type EvalRow, type Evaluator } from '../tuple.js';
import { formatValue, isMap } from '../value.js';
import { compileMeta } from './fields.js';
import { windowFunctionKey } from './window-functions.js';
import { defaultFunctionContext, nextFuncId, resolveIn, type CompileScope, type ResolvedFunction } from './scope.js';

type Compile = (e: Expr, scope: CompileScope) => Evaluator;

/**
 * Function calls. Calling conventions (also in README.md):
 * - scalar: `exec(ctx, values)`, one value per argument (`*` gives the row as a map).
 * - aggregate: `exec(ctx, arrays)`, for each argument the array of its values over
 *   `row.group` (a row without `group` is a group of one); `count(*)` gets the rows' maps.
 * - analytic: `exec(ctx, [...values, validData, partitionKey])` exactly like eKuiper:
 *   `validData` is the `OVER (WHEN c)` result (true without WHEN or when c is not a bool),
 *   `partitionKey` is the `%v` texts of the PARTITION BY values concatenated, or "self".
 *   `ctx.state` is one StateStore per call site, shared by its partitions: key your state
 *   by `partitionKey`. The function itself decides what a row with `validData=false`
 *   returns (lag: the value it would return, without shifting; latest: the stored value...).
 * - The nil policy (`nil`/`false`/`zero`) runs first on the argument values (a nil, an
 *   empty array or an empty map short-circuits), as eKuiper's `check` does.
 * A function reports a per-row failure by throwing (or returning) an Error; the compiler
 * turns it into `EvalError("call func <name> error: <message>")`.
 */
export function compileCall(e: Call, scope: CompileScope, compile: Compile): Evaluator {
  const intrinsic = compileIntrinsic(e, scope);
  if (intrinsic) return intrinsic;
  const f = resolveIn(scope, e.name);
  if (!f) throw oortError('SQL_PARSE', `function ${e.name} not found`);
  validate(e, f);
  const kind = 'kind' in f ? (f as BuiltinFunction).kind : f.type;
  if (kind === 'intrinsic') throw oortError('PLAN', `function ${e.name} is not supported here`);
  if (e.over && kind !== 'analytic' && kind !== 'window') {
    throw oortError('SQL_PARSE', 'Found OVER after non analytic function');
  }
  if (kind === 'window') {
    const key = windowFunctionKey(e);
    return (row) => row.aliases?.[key] ?? 1n;
  }
  if (kind === 'analytic' && scope.analytics) {
    const key = scope.analytics.keyOf(e);
    return (row) => row.aliases?.[key] ?? null;
  }
  const policy: NilPolicy = 'nil' in f ? (f as BuiltinFunction).nil : 'none';
  const ctx = scope.functionContext ? scope.functionContext(nextFuncId(scope)) : defaultFunctionContext(scope, nextFuncId(scope));
  const args = e.args.map((a) => compile(a, scope));
  const name = e.name;
  if (kind === 'aggregate') return aggregateCall(name, f, ctx, args, policy);
  if (kind === 'analytic') return analyticCall(e, scope, compile, f, ctx, args, policy);
  if (kind === 'multicol') return multicolCall(e, f, ctx, args, policy);
  return scalarCall(name, f, ctx, args, policy);
}

function validate(e: Call, f: FunctionDef): void {
  if (!f.validate) return;
  const infos: ArgInfo[] = e.args.map((a) => {
    switch (a.kind) {
      case 'IntegerLiteral': case 'NumberLiteral': case 'StringLiteral': case 'BooleanLiteral':
        return { kind: 'literal', value: a.value };
      case 'TimeUnitLiteral': return { kind: 'literal', value: a.unit };
      case 'FieldRef': return { kind: 'field', name: a.name };
      case 'Wildcard': return { kind: 'wildcard' };
      default: return { kind: 'expr' };
    }
  });
  const msg = f.validate(infos);
  if (msg) throw oortError('SQL_PARSE', msg);
}

/** eKuiper's nil check: returns the short-circuit result, or NO_SHORTCUT. */
const NO_SHORTCUT = Symbol('run');
function nilCheck(policy: NilPolicy, values: unknown[]): unknown {
  if (policy === 'none') return NO_SHORTCUT;
  for (const v of values) {
    const empty = v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isMap(v) && isEmptyMap(v));
    if (empty) return policy === 'nil' ? null : policy === 'false' ? false : 0n;
  }
  return NO_SHORTCUT;
}

function isEmptyMap(m: Record<string, unknown>): boolean {
  for (const _ in m) return false;
  return true;
}

function run(name: string, f: FunctionDef, ctx: FunctionContext, values: unknown[]): unknown {
  let r: unknown;
  try {
    r = f.exec(ctx, values);
  } catch (err) {
    throw new EvalError(`call func ${name} error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (r instanceof Error) throw new EvalError(`call func ${name} error: ${r.message}`);
  return r;
}

function scalarCall(name: string, f: FunctionDef, ctx: FunctionContext, args: Evaluator[], policy: NilPolicy): Evaluator {
  const n = args.length;
  if (n === 1) {
    const a0 = args[0]!;
    return (row) => {
      const values = [a0(row)];
      const s = nilCheck(policy, values);
      return s === NO_SHORTCUT ? run(name, f, ctx, values) : s;
    };
  }
  return (row) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = args[i]!(row);
    const s = nilCheck(policy, values);
    return s === NO_SHORTCUT ? run(name, f, ctx, values) : s;
  };
}

function aggregateCall(name: string, f: FunctionDef, ctx: FunctionContext, args: Evaluator[], policy: NilPolicy): Evaluator {
  const n = args.length;
  const withRows = (f as { withGroupRows?: boolean }).withGroupRows === true;
  return (row) => {
    const group: readonly EvalRow[] = row.group ?? [row];
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const ev = args[i]!;
      const col = new Array<unknown>(group.length);
      for (let j = 0; j < group.length; j++) col[j] = ev(group[j]!);
      values[i] = col;
    }
    const s = nilCheck(policy, values);
    if (s !== NO_SHORTCUT) return s;
    return run(name, f, ctx, withRows ? [group.map((r) => r.data), ...values] : values);
  };
}

/**
 * Multi-column functions (changed_cols), eKuiper's ColFuncField convention: `*` spreads into
 * one value per column, and a last argument lists the column name of every value ("" for
 * arguments that are not columns).
 */
function multicolCall(e: Call, f: FunctionDef, ctx: FunctionContext, args: Evaluator[], policy: NilPolicy): Evaluator {
  const names = e.args.map((a) => (a.kind === 'FieldRef' ? a.name : a.kind === 'JsonAccess' ? a.key : ''));
  const spread = e.args.map((a) => a.kind === 'Wildcard');
  const name = e.name;
  return (row) => {
    const values: unknown[] = [];
    const keys: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(row);
      if (spread[i]) {
        const m = v as Record<string, unknown>;
        for (const k in m) {
          values.push(m[k]);
          keys.push(k);
        }
      } else {
        values.push(v);
        keys.push(names[i]!);
      }
    }
    const s = nilCheck(policy, values);
    if (s !== NO_SHORTCUT) return s;
    values.push(keys);
    return run(name, f, ctx, values);
  };
}

function analyticCall(
  e: Call, scope: CompileScope, compile: Compile, f: FunctionDef, ctx: FunctionContext, args: Evaluator[], policy: NilPolicy,
): Evaluator {
  const n = args.length;
  const when = e.over?.when ? compile(e.over.when, scope) : undefined;
  const parts = (e.over?.partitionBy ?? []).map((p) => compile(p, scope));
  const name = e.name;
  return (row) => {
    const values = new Array<unknown>(n + 2);
    for (let i = 0; i < n; i++) values[i] = args[i]!(row);
    const s = nilCheck(policy, values.slice(0, n));
    if (s !== NO_SHORTCUT) return s;
    let valid = true;
    if (when) {
      try {
        const w = when(row);
        if (typeof w === 'boolean') valid = w;
      } catch {
        valid = true; // eKuiper: a WHEN that errors is not a bool, so the row counts
      }
    }
    let key = 'self';
    if (parts.length > 0) {
      key = '';
      for (const p of parts) key += formatValue(p(row));
    }
    values[n] = valid;
    values[n + 1] = key;
    return run(name, f, ctx, values);
  };
}

/**
 * Evaluates every analytic call once per row before WHERE and stores the results in
 * `row.aliases[scope.analytics.keyOf(call)]` (eKuiper's analytic op). Compile the rest of
 * the rule with the same `scope.analytics` so those calls read the stored values.
 */
export function compileAnalyticStep(calls: readonly Call[], scope: CompileScope, compile: Compile): (row: EvalRow) => void {
  const cache = scope.analytics;
  if (!cache) throw new Error('compileAnalyticStep needs scope.analytics');
  const inline: CompileScope = { ...scope, analytics: undefined };
  const steps = calls.map((c) => ({ key: cache.keyOf(c), ev: compileCall(c, inline, compile) }));
  return (row) => {
    const a = row.aliases ?? (row.aliases = {});
    for (const s of steps) a[s.key] = s.ev(row);
  };
}

const INTRINSICS = new Set([
  'meta', 'mqtt', 'window_start', 'window_end', 'event_time', 'window_trigger', 'rule_id', 'rule_start', 'tstamp',
  'last_hit_count', 'last_hit_time', 'last_agg_hit_count', 'last_agg_hit_time',
]);

export function isIntrinsic(name: string): boolean {
  return INTRINSICS.has(name);
}

function metaArg(e: Call, scope: CompileScope): Evaluator {
  const a = e.args[0];
  if (e.args.length !== 1 || !a) throw oortError('SQL_PARSE', `Expect 1 arguments but found ${e.args.length}.`);
  const mqtt = e.name === 'mqtt';
  const key = (k: string): string => (mqtt && k.toLowerCase() === 'messageid' ? 'messageId' : k);
  switch (a.kind) {
    case 'MetaRef': return compileMeta(scope, a.stream, key(a.name), a.path);
    case 'Wildcard': return compileMeta(scope, a.stream, '*', []);
    case 'FieldRef': return compileMeta(scope, a.stream, key(a.name), []);
    case 'JsonAccess': {
      const path: string[] = [];
      let x: Expr = a;
      while (x.kind === 'JsonAccess') {
        path.unshift(x.key);
        x = x.expr;
      }
      if (x.kind === 'FieldRef') return compileMeta(scope, x.stream, key(x.name), path);
      if (x.kind === 'MetaRef') return compileMeta(scope, x.stream, key(x.name), [...x.path, ...path]);
      break;
    }
    default:
      break;
  }
  throw oortError('SQL_PARSE', `Expect meta reference type for 1 args.`);
}

function big(n: number | undefined): bigint | null {
  return n === undefined ? null : BigInt(Math.trunc(n));
}

/** Functions that read the evaluation row or rule state instead of their arguments. */
function compileIntrinsic(e: Call, scope: CompileScope): Evaluator | undefined {
  switch (e.name) {
    case 'meta':
    case 'mqtt':
      return metaArg(e, scope);
    case 'window_start': return (row) => big(row.winStart);
    case 'window_end': return (row) => big(row.winEnd);
    case 'event_time': return (row) => big(row.winEnd ?? row.ts);
    case 'window_trigger': return (row) => big(row.winEnd);
    case 'rule_id': { const id = scope.ruleId; return () => id; }
    case 'rule_start': { const t = BigInt(Math.trunc(scope.ruleStart)); return () => t; }
    case 'tstamp': { const clock = scope.clock; return () => BigInt(Math.trunc(clock.now())); }
    case 'last_hit_count': { const h = scope.hits; return () => (h ? BigInt(h.count) : 0n); }
    case 'last_hit_time': { const h = scope.hits; return () => (h ? BigInt(h.time) : 0n); }
    case 'last_agg_hit_count': { const h = scope.hits; return () => (h ? BigInt(h.aggCount) : 0n); }
    case 'last_agg_hit_time': { const h = scope.hits; return () => (h ? BigInt(h.aggTime) : 0n); }
    default: return undefined;
  }
}

export type { ResolvedFunction };
