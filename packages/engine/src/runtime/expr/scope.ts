import type { Clock, FunctionContext, FunctionDef, Logger, StateStore } from '@oort/sdk';
import type { StreamField } from '../../sql/ast.js';
import { getBuiltin, type BuiltinFunction } from '../../functions/registry.js';
import type { Evaluator } from '../tuple.js';

/** One source of the query (FROM or JOIN), in query order. */
export interface ScopeSource {
  readonly name: string;
  readonly alias?: string;
  /** Declared schema; null or absent for a schemaless stream. */
  readonly fields?: readonly StreamField[] | null;
}

/**
 * A SELECT alias visible to an expression. The compiled reference first reads
 * `row.aliases[name]` (set by the projection as it computes fields) and falls back to
 * `evaluator`, so WHERE/HAVING/ORDER BY see aliases without the projection having run.
 */
export interface AliasBinding {
  /** Compiled lazily (an alias may reference later aliases); throws on cyclic aliases. */
  readonly evaluator: () => Evaluator;
}

/**
 * Rule-lifetime counters behind `last_hit_count()`, `last_hit_time()`,
 * `last_agg_hit_count()` and `last_agg_hit_time()`. Compiled calls only read it; the runtime
 * calls `onPass(ts)` after a row passed WHERE and was projected, and `onAggPass(ts)` after
 * an aggregate result passed HAVING and was projected (ts = event time of the result).
 */
export class HitState {
  // Plain numbers: onPass runs for every passing row, and a bigint here would allocate twice
  // per row for functions almost no rule calls; the calls convert with BigInt() when read.
  // (A state restored from an older snapshot may hold bigints; both forms read the same.)
  count = 0;
  time = 0;
  aggCount = 0;
  aggTime = 0;
  onPass(ts: number): void {
    this.count++;
    this.time = Math.trunc(ts);
  }
  onAggPass(ts: number): void {
    this.aggCount++;
    this.aggTime = Math.trunc(ts);
  }
}

/** A function the compiler can call: a built-in (with kind and nil policy) or a plugin. */
export type ResolvedFunction = BuiltinFunction | FunctionDef;

/**
 * Cache of analytic call results computed once per row before WHERE (eKuiper's analytic op).
 * When a scope has one, an analytic call compiles to a read of `row.aliases[key]`; the runtime
 * computes them with `compileAnalyticStep` first. Keys are assigned per Call node (identity).
 */
export interface AnalyticCache {
  keyOf(call: object): string;
}

/** What the compiler needs to know about the query around an expression. */
export interface CompileScope {
  readonly sources: readonly ScopeSource[];
  /** SELECT aliases visible here (name → binding). */
  readonly aliases?: ReadonlyMap<string, AliasBinding>;
  /** Defaults to the built-in registry. */
  readonly resolveFunction?: (name: string) => ResolvedFunction | undefined;
  /** Creates the context of one call site; `funcId` is unique per call site in the rule. */
  readonly functionContext?: (funcId: number) => FunctionContext;
  readonly ruleId: string;
  /** Rule start, epoch ms. */
  readonly ruleStart: number;
  readonly clock: Clock;
  readonly hits?: HitState;
  /** eKuiper `basic.ignoreCase`: case-insensitive field lookup fallback. */
  readonly ignoreCase?: boolean;
  /** See {@link AnalyticCache}. Absent: analytic calls run inline where they appear. */
  readonly analytics?: AnalyticCache;
  /** Next call-site id; shared by every expression compiled for one rule. */
  readonly funcIds?: { next: number };
}

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A Map-backed state store. */
export class MapStateStore implements StateStore {
  readonly map = new Map<string, unknown>();
  get<T = unknown>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  put(key: string, value: unknown): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/** A call-site context with its own in-memory state (used when the scope gives no factory). */
export function defaultFunctionContext(scope: Pick<CompileScope, 'ruleId' | 'clock'>, funcId: number): FunctionContext {
  return {
    ruleId: scope.ruleId,
    opId: 'expr',
    instanceId: 0,
    logger: noopLogger,
    clock: scope.clock,
    state: new MapStateStore(),
    signal: new AbortController().signal,
    funcId,
  };
}

export function resolveIn(scope: CompileScope, name: string): ResolvedFunction | undefined {
  return scope.resolveFunction ? scope.resolveFunction(name) : getBuiltin(name);
}

export function nextFuncId(scope: CompileScope): number {
  if (scope.funcIds) return scope.funcIds.next++;
  return fallbackIds.next++;
}
const fallbackIds = { next: 0 };

/** Identity-keyed {@link AnalyticCache}: keys `$$a_0`, `$$a_1`, ... */
export class AnalyticKeys implements AnalyticCache {
  private readonly keys = new Map<object, string>();
  keyOf(call: object): string {
    let k = this.keys.get(call);
    if (k === undefined) {
      k = `$$a_${this.keys.size}`;
      this.keys.set(call, k);
    }
    return k;
  }
}

/** A scope for a single-source rule with defaults (tests, rule test runs). */
export function simpleScope(opts: Partial<CompileScope> & { clock: Clock }): CompileScope {
  return {
    sources: opts.sources ?? [{ name: 'demo' }],
    ruleId: opts.ruleId ?? 'rule',
    ruleStart: opts.ruleStart ?? 0,
    hits: opts.hits ?? new HitState(),
    funcIds: opts.funcIds ?? { next: 0 },
    ...opts,
  };
}
