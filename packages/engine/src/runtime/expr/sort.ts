import type { SortField } from '../../sql/ast.js';
import { EvalError, type EvalRow, type Evaluator } from '../tuple.js';
import { isMap, isSlice } from '../value.js';
import { toDatetime } from './datetime.js';
import { compileExpr } from './compile.js';
import { applyBinary } from './operators.js';
import type { CompileScope } from './scope.js';

/**
 * ORDER BY after eKuiper's `MultiSorter`: nil sorts last in both directions; values of one
 * sort key must be of compatible types over the whole collection (numbers with numbers,
 * strings with strings, ...), else "incompatible types for comparison: A and B".
 */

type Group = 'number' | 'bool' | 'string' | 'time' | 'other';

function group(v: unknown): Group {
  switch (typeof v) {
    case 'number': case 'bigint': return 'number';
    case 'boolean': return 'bool';
    case 'string': return 'string';
    default: return v instanceof Date ? 'time' : 'other';
  }
}

/** Go `%T` as eKuiper prints it here; integers read from rows are Go `int`. */
function sortTypeName(v: unknown): string {
  switch (typeof v) {
    case 'number': return 'float64';
    case 'bigint': return 'int';
    case 'boolean': return 'bool';
    case 'string': return 'string';
    default:
      if (v instanceof Date) return 'time.Time';
      if (v instanceof Uint8Array) return '[]uint8';
      if (Array.isArray(v)) return '[]interface {}';
      if (isMap(v)) return 'map[string]interface {}';
      return 'unknown';
  }
}

function checkCompatible(first: unknown, v: unknown): void {
  if (v === null || v === undefined || first === null || first === undefined) return;
  const g = group(first);
  const ok = g === 'time' ? toDatetime(v) !== undefined : g !== 'other' && g === group(v) && !isSlice(v);
  if (!ok) throw new EvalError(`incompatible types for comparison: ${sortTypeName(first)} and ${sortTypeName(v)}`);
}

function less(a: unknown, b: unknown): boolean {
  try {
    return applyBinary('<', a, b) === true;
  } catch {
    return false;
  }
}

/** -1/0/1 for one key; nil last regardless of direction. */
function compareKey(a: unknown, b: unknown, ascending: boolean): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (less(a, b)) return ascending ? -1 : 1;
  if (less(b, a)) return ascending ? 1 : -1;
  return 0;
}

/** A comparator for `Array.prototype.sort`; evaluates the keys on each comparison. */
export function compileOrderBy(sortFields: readonly SortField[], scope: CompileScope): (a: EvalRow, b: EvalRow) => number {
  const keys = sortFields.map((f) => ({ ev: compileExpr(f.expr, scope), asc: f.ascending }));
  return (a, b) => {
    for (const k of keys) {
      const va = k.ev(a);
      const vb = k.ev(b);
      checkCompatible(va, vb);
      const c = compareKey(va, vb, k.asc);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/**
 * Sorts a collection in place, evaluating each key once per row and checking types in row
 * order as eKuiper does (the first non-nil value of a key fixes its type).
 */
export function compileSorter(sortFields: readonly SortField[], scope: CompileScope): (rows: EvalRow[]) => EvalRow[] {
  const keys: { ev: Evaluator; asc: boolean }[] = sortFields.map((f) => ({ ev: compileExpr(f.expr, scope), asc: f.ascending }));
  return (rows) => {
    const firsts: unknown[] = new Array(keys.length).fill(null);
    const decorated = rows.map((row, i) => {
      const vals = keys.map((k, j) => {
        const v = k.ev(row);
        if (firsts[j] === null || firsts[j] === undefined) firsts[j] = v;
        else checkCompatible(firsts[j], v);
        return v;
      });
      return { row, vals, i };
    });
    decorated.sort((x, y) => {
      for (let j = 0; j < keys.length; j++) {
        const c = compareKey(x.vals[j], y.vals[j], keys[j]!.asc);
        if (c !== 0) return c;
      }
      return x.i - y.i;
    });
    for (let i = 0; i < rows.length; i++) rows[i] = decorated[i]!.row;
    return rows;
  };
}
