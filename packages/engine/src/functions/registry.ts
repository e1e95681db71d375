import type { FunctionDef } from '@oort/sdk';

/**
 * How a built-in function treats nil arguments before its body runs (eKuiper's `check`):
 * `nil` → result nil if any argument is nil; `false` → result false; `zero` → result 0n;
 * `none` → the body sees nils.
 */
export type NilPolicy = 'nil' | 'false' | 'zero' | 'none';

/**
 * Functions the compiler treats specially:
 * - `aggregate`: args arrive as arrays over the group
 * - `analytic`: stateful per call site and partition (lag, latest, acc_*, changed_col, had_changed)
 * - `window`: row_number
 * - `srf`: set-returning (unnest, extract)
 * - `multicol`: changed_cols
 * - `intrinsic`: reads the evaluation row (meta, window_start, window_end, event_time, rule_id, ...)
 */
export type FunctionKind = 'scalar' | 'aggregate' | 'analytic' | 'window' | 'srf' | 'multicol' | 'intrinsic';

export interface BuiltinFunction extends FunctionDef {
  readonly name: string;
  readonly category: string;
  readonly kind: FunctionKind;
  readonly nil: NilPolicy;
  /** Aggregates that also need the group's rows (deduplicate) get them as a first argument. */
  readonly withGroupRows?: boolean;
}

const registry = new Map<string, BuiltinFunction>();

export function registerBuiltin(f: BuiltinFunction): void {
  registry.set(f.name, f);
}

export function getBuiltin(name: string): BuiltinFunction | undefined {
  return registry.get(name.toLowerCase());
}

export function builtinNames(): string[] {
  return [...registry.keys()].sort();
}

/**
 * eKuiper's nil check, run before a function body in SQL evaluation: with policy `nil`,
 * `false` or `zero`, any argument that is nil **or an empty array or map** short-circuits the
 * call. Returns `{ skip: true, value }` when the body must not run.
 */
export function checkNil(policy: NilPolicy, args: readonly unknown[]): { skip: boolean; value: unknown } {
  if (policy === 'none') return NO_SKIP;
  for (const a of args) {
    if (
      a === null ||
      a === undefined ||
      (Array.isArray(a) && a.length === 0) ||
      (typeof a === 'object' && Object.getPrototypeOf(a) === Object.prototype && Object.keys(a as object).length === 0)
    ) {
      return { skip: true, value: policy === 'nil' ? null : policy === 'false' ? false : 0n };
    }
  }
  return NO_SKIP;
}
const NO_SKIP = { skip: false, value: undefined };
