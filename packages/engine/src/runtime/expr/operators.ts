import type { BinaryOp } from '../../sql/ast.js';
import { EvalError } from '../tuple.js';
import { compareStrings, describeValue, isMap, isSlice, typeName, wrapInt } from '../value.js';
import { toDatetime } from './datetime.js';

/**
 * Value semantics of binary operators, after eKuiper's `ValuerEval.SimpleDataEval`: int64
 * (bigint) and float64 (number) arithmetic, byte-wise string comparison, datetime comparison
 * with the other side cast to a datetime, bool logic, and the nil rule. Errors are thrown as
 * `EvalError` with eKuiper's texts.
 */

export function invalidOp(l: unknown, op: string, r: unknown): EvalError {
  return new EvalError(`invalid operation ${describeValue(l)} ${op} ${describeValue(r)}`);
}

export function dividedByZero(): EvalError {
  return new EvalError('divided by zero');
}

/** `op is an invalid operation for T`: a map or array used as a binary operand. */
export function invalidStructuredOp(op: string, v: unknown): EvalError {
  return new EvalError(`${op} is an invalid operation for ${typeName(v)}`);
}

/** Nil operand: comparisons and logic give false, arithmetic nil. */
function nilResult(op: BinaryOp): unknown {
  switch (op) {
    case '+': case '-': case '*': case '/': case '%':
      return null;
    default:
      return false;
  }
}

/** The binary operation on two evaluated, non-structured operands. */
export function applyBinary(op: BinaryOp, l: unknown, r: unknown): unknown {
  if (l === null || l === undefined || r === null || r === undefined) return nilResult(op);
  switch (typeof l) {
    case 'number':
      if (typeof r === 'number') return floatOp(op, l, r);
      if (typeof r === 'bigint') return floatOp(op, l, Number(r));
      throw invalidOp(l, op, r);
    case 'bigint':
      if (typeof r === 'bigint') return intOp(op, l, r);
      if (typeof r === 'number') return floatOp(op, Number(l), r);
      throw invalidOp(l, op, r);
    case 'string':
      if (typeof r !== 'string') throw invalidOp(l, op, r);
      return stringOp(op, l, r);
    case 'boolean':
      if (typeof r !== 'boolean') throw invalidOp(l, op, r);
      return boolOp(op, l, r);
    default:
      if (l instanceof Date) {
        const rt = toDatetime(r);
        if (rt === undefined) throw invalidOp(l, op, r);
        return timeOp(op, l, rt);
      }
      throw invalidOp(l, op, r);
  }
}

/**
 * Full binary-expression step once both sides are known: a map or array on the left is an
 * error for every operator here (only `->`, `[]`, IN take them), then {@link applyBinary}.
 */
export function binaryValues(op: BinaryOp, l: unknown, r: unknown): unknown {
  if (typeof l === 'object' && l !== null && (isMap(l) || isSlice(l))) throw invalidStructuredOp(op, l);
  return applyBinary(op, l, r);
}

export function floatOp(op: BinaryOp, l: number, r: number): unknown {
  switch (op) {
    case '=': return l === r;
    case '!=': return l !== r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    case '>=': return l >= r;
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/':
      if (r === 0) throw dividedByZero();
      return l / r;
    case '%':
      if (r === 0) throw dividedByZero();
      return l % r;
    default:
      throw invalidOp(l, op, r);
  }
}

export function intOp(op: BinaryOp, l: bigint, r: bigint): unknown {
  switch (op) {
    case '=': return l === r;
    case '!=': return l !== r;
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    case '>=': return l >= r;
    case '+': return wrapInt(l + r);
    case '-': return wrapInt(l - r);
    case '*': return wrapInt(l * r);
    case '/':
      if (r === 0n) throw dividedByZero();
      return wrapInt(l / r);
    case '%':
      if (r === 0n) throw dividedByZero();
      return l % r;
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    default:
      throw invalidOp(l, op, r);
  }
}

function stringOp(op: BinaryOp, l: string, r: string): unknown {
  switch (op) {
    case '=': return l === r;
    case '!=': return l !== r;
    case '<': return compareStrings(l, r) < 0;
    case '<=': return compareStrings(l, r) <= 0;
    case '>': return compareStrings(l, r) > 0;
    case '>=': return compareStrings(l, r) >= 0;
    default:
      throw invalidOp(l, op, r);
  }
}

function boolOp(op: BinaryOp, l: boolean, r: boolean): unknown {
  switch (op) {
    case 'AND': case '&': return l && r;
    case 'OR': case '|': return l || r;
    case '^': return l !== r;
    case '=': return l === r;
    case '!=': return l !== r;
    default:
      throw invalidOp(l, op, r);
  }
}

function timeOp(op: BinaryOp, l: Date, r: Date): unknown {
  const a = l.getTime();
  const b = r.getTime();
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default:
      throw invalidOp(l, op, r);
  }
}

/** `=` as IN and CASE use it: true/false, false on nil, EvalError on a type mismatch. */
export function valuesEqual(l: unknown, r: unknown): boolean {
  return applyBinary('=', l, r) === true;
}
