/**
 * Analytic functions (eKuiper `funcs_analytic.go`, `funcs_acc.go`): stateful per call site.
 *
 * Calling convention (the same as eKuiper's planner, so its unit vectors apply): the compiler
 * appends two arguments to the user's ones:
 *   f(userArgs..., validData: boolean, partitionKey: string)
 * `validData` is the result of `OVER (WHEN ...)` (true when there is no WHEN) and
 * `partitionKey` the text of the `PARTITION BY` values ("" / any constant without one).
 * `ctx.state` is the call site's store; state is kept under the partition key, so one call
 * site holds one state per partition.
 * Examples: lag(value, 1, default, ignoreNull, validData, key); changed_col(ignoreNull, v,
 * validData, key); acc_sum(v, validData, key) or acc_sum(v, begin, reset, validData, key).
 */
import { define, fail, errInfo, vLen, notInt, isIntArg, isFloatArg, isStringArg, isTimeArg, isFieldArg, literalOf } from './define.js';
import { toInt } from './cast.js';
import { deepEqual } from './cast.js';
import { formatValue } from '../runtime/value.js';
import type { FunctionContext } from '@oort/sdk';

const C = 'analytic';
const nn = (v: unknown) => v !== null && v !== undefined;

function tail(a: unknown[]): { valid: unknown; key: string } {
  return { valid: a[a.length - 2], key: String(a[a.length - 1] ?? '') };
}

define(C, 'changed_col', {
  kind: 'analytic',
  validate: (a) => vLen(2, a.length) ?? (isNumericOrTimeOrString(a[0]) ? errInfo(0, 'boolean') : undefined),
  exec: (ctx, a) => {
    const ignoreNull = a[0];
    if (typeof ignoreNull !== 'boolean') return fail(`first arg is not a bool but got ${formatValue(a[0])}`);
    if (ignoreNull && !nn(a[1])) return null;
    const { valid, key } = tail(a);
    if (typeof valid !== 'boolean') return fail(`when arg is not a bool but got ${formatValue(valid)}`);
    if (!valid) return null;
    const lv = ctx.state.get(key);
    if (!deepEqual(a[1], lv) || (lv === undefined && a[1] === null)) {
      if (lv === undefined && a[1] === null) return null;
      ctx.state.put(key, a[1]);
      return a[1];
    }
    return null;
  },
});

define(C, 'had_changed', {
  kind: 'analytic',
  validate: (a) =>
    a.length <= 1 ? `expect more than one arg but got ${a.length}` : isNumericOrTimeOrString(a[0]) ? errInfo(0, 'bool') : undefined,
  exec: (ctx, a) => {
    if (a.length - 2 <= 1) return fail(`expect more than one arg but got ${a.length}`);
    const { valid, key } = tail(a);
    if (typeof valid !== 'boolean') return fail(`when arg is not a bool but got ${formatValue(valid)}`);
    if (!valid) return false;
    const ignoreNull = a[0];
    if (typeof ignoreNull !== 'boolean') return fail(`first arg is not a bool but got ${formatValue(a[0])}`);
    let result = false;
    for (let i = 1; i < a.length - 2; i++) {
      const v = a[i];
      if (ignoreNull && !nn(v)) continue;
      const k = key + i;
      const lv = ctx.state.get(k);
      if (!deepEqual(v, lv) && !(lv === undefined && v === null)) {
        result = true;
        ctx.state.put(k, v);
      }
    }
    return result;
  },
});

function isNumericOrTimeOrString(a: Parameters<typeof isIntArg>[0]): boolean {
  return isIntArg(a) || isFloatArg(a) || isTimeArg(a) || isStringArg(a);
}

/** Fixed-size FIFO of the last `size` values (eKuiper's ringqueue). */
interface LagQueue { data: unknown[]; size: number }

define(C, 'lag', {
  kind: 'analytic',
  validate: (a) => {
    const l = a.length;
    if (l < 1 || l > 4) return `expect one two or three args but got ${l}`;
    if (l >= 2) {
      if (notInt(a[1]) || isFieldArg(a[1])) return errInfo(1, 'int');
      if (isIntArg(a[1]) && (literalOf(a[1]) as bigint) < 0n) return 'the index should not be a nagtive integer';
    }
    if (l === 4 && isNumericOrTimeOrString(a[3])) return errInfo(3, 'bool');
    return undefined;
  },
  exec: (ctx, a) => {
    const l = a.length - 2;
    if (l < 1 || l > 4) return fail(`expect from 1 to 4 args but got ${l}`);
    const { valid, key } = tail(a);
    if (typeof valid !== 'boolean') return fail(`when arg is not a bool but got ${formatValue(valid)}`);
    let size = 1;
    if (l >= 2) {
      try { size = Number(toInt(a[1], 'strict')); } catch (e) {
        return fail(`error converting second arg ${formatValue(a[1])} to int: ${(e as Error).message}`);
      }
    }
    const dft = l >= 3 ? a[2] : null;
    let ignoreNull = true;
    if (l >= 4) {
      if (typeof a[3] !== 'boolean') return fail(`The fourth arg is not a bool but got ${formatValue(a[0])}`);
      ignoreNull = a[3];
    }
    let q = ctx.state.get<LagQueue>(key);
    if (!q) {
      q = { data: new Array(size).fill(dft), size };
      ctx.state.put(key, q);
    }
    let ret = q.data.length > 0 ? q.data[0] : null;
    if (valid && (!ignoreNull || nn(a[0]))) {
      if (q.data.length > 0) ret = q.data.shift();
      if (q.data.length < q.size) q.data.push(a[0] ?? null);
      ctx.state.put(key, q);
    }
    return ret ?? null;
  },
});

define(C, 'latest', {
  kind: 'analytic',
  validate: (a) => (a.length !== 1 && a.length !== 2 ? `expect one or two args but got ${a.length}` : undefined),
  exec: (ctx, a) => {
    const l = a.length - 2;
    if (l !== 1 && l !== 2) return fail(`expect one or two args but got ${l}`);
    const { valid, key } = tail(a);
    if (typeof valid !== 'boolean') return fail(`when arg is not a bool but got ${formatValue(valid)}`);
    if (valid && nn(a[0])) {
      ctx.state.put(key, a[0]);
      return a[0];
    }
    const v = ctx.state.get(key);
    if (!nn(v)) return l === 2 ? a[1] : null;
    return v;
  },
});

// ---- acc_* ----
interface AccStatus { value: unknown; hasBegin: boolean }
interface Acc {
  reset(s: AccStatus): void;
  add(s: AccStatus, v: unknown): void;
  result(s: AccStatus): unknown;
}
const num = (v: unknown): number | undefined => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined);
const accs: Record<string, Acc> = {
  acc_sum: {
    reset: (s) => { s.value = 0; },
    add: (s, v) => { if (!nn(v)) return; const x = num(v); if (x === undefined) fail('the value should be number'); s.value = (s.value as number) + x!; },
    result: (s) => s.value ?? 0,
  },
  acc_count: {
    reset: (s) => { s.value = 0n; },
    add: (s, v) => { if (nn(v)) s.value = (s.value as bigint) + 1n; },
    result: (s) => s.value ?? 0n,
  },
  acc_max: {
    reset: (s) => { s.value = null; },
    add: (s, v) => { const x = num(v); if (x === undefined) fail('the value should be number'); s.value = s.value === null ? Math.max(-9223372036854775808, x!) : Math.max(s.value as number, x!); },
    result: (s) => s.value ?? 0,
  },
  acc_min: {
    reset: (s) => { s.value = null; },
    add: (s, v) => { const x = num(v); if (x === undefined) fail('the value should be number'); s.value = s.value === null ? Math.min(9223372036854775807, x!) : Math.min(s.value as number, x!); },
    result: (s) => s.value ?? 0,
  },
  acc_avg: {
    reset: (s) => { s.value = null; },
    add: (s, v) => {
      const x = num(v);
      if (x === undefined) fail('the value should be number');
      const st = (s.value as { sum: number; count: number } | null) ?? { sum: 0, count: 0 };
      s.value = { sum: st.sum + x!, count: st.count + 1 };
    },
    result: (s) => { const st = s.value as { sum: number; count: number } | null; return st ? st.sum / st.count : 0; },
  },
};

function accExec(acc: Acc) {
  return (ctx: FunctionContext, a: unknown[]): unknown => {
    const { valid, key } = tail(a);
    if (a.length !== 3 && a.length !== 5) return fail('wrong args length');
    const prev = ctx.state.get<AccStatus>(key);
    const s: AccStatus = prev ? { ...prev } : { value: null, hasBegin: false };
    if (s.value === null && !prev) acc.reset(s);
    if (a.length === 3) {
      if (valid === true) acc.add(s, a[0]);
    } else {
      if (typeof a[1] !== 'boolean') return fail('onBegin should be boolean');
      if (typeof a[2] !== 'boolean') return fail('onReset should be boolean');
      if (!s.hasBegin) acc.reset(s);
      if (a[1] && !s.hasBegin) s.hasBegin = true;
      if (s.hasBegin && valid === true) acc.add(s, a[0]);
      if (a[2]) s.hasBegin = false;
    }
    ctx.state.put(key, s);
    return acc.result(s);
  };
}
for (const [name, acc] of Object.entries(accs)) {
  define(C, name, {
    kind: 'analytic',
    validate: (a) => (a.length !== 1 && a.length !== 3 ? `Expect 1/3 arguments but found ${a.length}.` : undefined),
    exec: accExec(acc),
  });
}
