/**
 * `changed_cols(prefix, ignoreNull, e1, ...)` (kind `multicol`): returns a map of the columns
 * whose value changed since the last output, named `prefix + column`; null when none changed.
 *
 * Internal convention (eKuiper `funcs_cols.go`): the compiler appends one last argument, the
 * array of column names aligned with ALL arguments (`["", "", "col1", "col2"]`); `*` is
 * expanded by the compiler. State is kept per column name in the call site's `ctx.state`.
 */
import { define, fail, errInfo, notString, isNumericArg, isTimeArg, isStringArg } from './define.js';
import { deepEqual } from './cast.js';
import { formatValue } from '../runtime/value.js';

define('multicol', 'changed_cols', {
  kind: 'multicol',
  validate: (a) => {
    if (a.length <= 2) return `expect more than two args but got ${a.length}`;
    if (notString(a[0])) return errInfo(0, 'string');
    if (isNumericArg(a[1]) || isTimeArg(a[1]) || isStringArg(a[1])) return errInfo(1, 'bool');
    return undefined;
  },
  exec: (ctx, all) => {
    const keys = all[all.length - 1];
    if (!Array.isArray(keys)) return fail(`the last arg is not the key list but got ${formatValue(keys)}`);
    const args = all.slice(0, -1);
    if (args.length <= 2) return fail(`expect more than two args but got ${args.length}`);
    if (typeof args[0] !== 'string') return fail(`first arg is not a string but got ${formatValue(args[0])}`);
    if (typeof args[1] !== 'boolean') return fail(`second arg is not a bool but got ${formatValue(args[1])}`);
    if (args.length !== keys.length) return fail(`the length of keys ${keys.length} does not match the args ${args.length - 2}`);
    let r: Record<string, unknown> | null = null;
    for (let i = 2; i < args.length; i++) {
      const k = String(keys[i]);
      const v = args[i] ?? null;
      if (args[1] && v === null) continue;
      const lv = ctx.state.get(k);
      if (!deepEqual(v, lv)) {
        (r ??= {})[args[0] + k] = v;
        ctx.state.put(k, v);
      }
    }
    return r;
  },
});
