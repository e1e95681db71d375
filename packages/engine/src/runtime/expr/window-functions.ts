import type { Call, SelectField } from '../../sql/ast.js';
import type { EvalRow } from '../tuple.js';
import { formatValue } from '../value.js';
import { compileExpr } from './compile.js';
import type { CompileScope } from './scope.js';
import { compileSorter } from './sort.js';

/**
 * Window functions (`row_number() OVER ([PARTITION BY ...] [ORDER BY ...])`), eKuiper's
 * WindowFuncOperator: numbering runs over a whole collection, after HAVING and before ORDER BY.
 * A compiled `row_number()` reads `row.aliases[windowFunctionKey(call)]`, which
 * `compileWindowFunctionStep` sets; a row that went through no step (a single row) is number 1.
 */

const keys = new WeakMap<Call, string>();
let nextKey = 0;

export function windowFunctionKey(call: Call): string {
  let k = keys.get(call);
  if (k === undefined) {
    k = `$$w_${nextKey++}`;
    keys.set(call, k);
  }
  return k;
}

/** The window-function call of a SELECT list (eKuiper allows one). */
export function findWindowFunctionCall(fields: readonly SelectField[]): Call | undefined {
  for (const f of fields) if (f.expr.kind === 'Call' && f.expr.name === 'row_number') return f.expr;
  return undefined;
}

/**
 * Numbers the rows of a collection. With PARTITION BY, partitions come out in the order of
 * their key text (as eKuiper sorts them) and each is numbered from 1; OVER's ORDER BY sorts
 * inside a partition. Returns the rows in their new order.
 */
export function compileWindowFunctionStep(call: Call, scope: CompileScope): (rows: EvalRow[]) => EvalRow[] {
  const key = windowFunctionKey(call);
  const parts = (call.over?.partitionBy ?? []).map((p) => compileExpr(p, scope));
  const sorter = call.over && call.over.orderBy.length > 0 ? compileSorter(call.over.orderBy, scope) : undefined;
  const number = (rows: EvalRow[]): EvalRow[] => {
    const sorted = sorter ? sorter(rows) : rows;
    sorted.forEach((r, i) => {
      (r.aliases ??= {})[key] = BigInt(i + 1);
    });
    return sorted;
  };
  return (rows) => {
    if (parts.length === 0) return number(rows);
    const groups = new Map<string, EvalRow[]>();
    for (const r of rows) {
      let name = '';
      for (const p of parts) name += formatValue(p(r)) + ',';
      const g = groups.get(name);
      if (g) g.push(r);
      else groups.set(name, [r]);
    }
    const out: EvalRow[] = [];
    for (const name of [...groups.keys()].sort()) out.push(...number(groups.get(name)!));
    return out;
  };
}
