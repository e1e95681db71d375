/**
 * Helpers shared by the built-in function files: registration with defaults, eKuiper's
 * argument validators (same messages) and error helpers.
 */
import type { ArgInfo, FunctionContext } from '@oort/sdk';
import { EvalError } from '../runtime/tuple.js';
import { formatValue, typeName } from '../runtime/value.js';
import { registerBuiltin, type BuiltinFunction, type FunctionKind, type NilPolicy } from './registry.js';

export type Validator = (args: ArgInfo[]) => string | undefined;
export type Exec = (ctx: FunctionContext, args: unknown[]) => unknown;

export interface Spec {
  kind?: FunctionKind;
  nil?: NilPolicy;
  validate?: Validator;
  exec: Exec;
  withGroupRows?: boolean;
}

/** Registers one built-in (and its aliases) under a category. */
export function define(category: string, name: string | string[], spec: Spec): void {
  const names = Array.isArray(name) ? name : [name];
  const kind = spec.kind ?? 'scalar';
  for (const n of names) {
    const f: BuiltinFunction = {
      name: n,
      category,
      kind,
      nil: spec.nil ?? 'none',
      type: kind === 'aggregate' ? 'aggregate' : 'scalar',
      validate: spec.validate,
      exec: spec.exec,
      withGroupRows: spec.withGroupRows,
    };
    registerBuiltin(f);
  }
}

/** Throws eKuiper's error value as an EvalError. */
export function fail(msg: string): never {
  throw new EvalError(msg);
}

/** Go's `%[1]T(%[1]v)`. */
export function tv(v: unknown): string {
  return `${typeName(v)}(${formatValue(v)})`;
}

/** Go's `%v`. */
export const fv = formatValue;

// ---- literal classification, as eKuiper's ast.Is*Arg helpers ----
const lit = (a: ArgInfo | undefined): unknown => (a && a.kind === 'literal' ? a.value : undefined);
const isLit = (a: ArgInfo | undefined): boolean => !!a && a.kind === 'literal';
export const isIntArg = (a?: ArgInfo) => isLit(a) && typeof lit(a) === 'bigint';
export const isFloatArg = (a?: ArgInfo) => isLit(a) && typeof lit(a) === 'number';
export const isNumericArg = (a?: ArgInfo) => isIntArg(a) || isFloatArg(a);
export const isStringArg = (a?: ArgInfo) => isLit(a) && typeof lit(a) === 'string';
export const isBoolArg = (a?: ArgInfo) => isLit(a) && typeof lit(a) === 'boolean';
export const isTimeArg = (a?: ArgInfo) => isLit(a) && lit(a) instanceof Date;
export const isFieldArg = (a?: ArgInfo) => !!a && a.kind === 'field';
export const literalOf = lit;

export function errInfo(index: number, expect: string): string {
  return `Expect ${expect} type for parameter ${index + 1}`;
}
export function vLen(exp: number, actual: number): string | undefined {
  return actual !== exp ? `Expect ${exp} arguments but found ${actual}.` : undefined;
}
export function vAtLeast(min: number, actual: number): string | undefined {
  return actual < min ? `At least has ${min} argument but found ${actual}.` : undefined;
}

export const vNoArg: Validator = (a) => vLen(0, a.length);
export const vOneArg: Validator = (a) => vLen(1, a.length);
export const vAny: Validator = () => undefined;

const notNumber = (a: ArgInfo) => isStringArg(a) || isTimeArg(a) || isBoolArg(a);
const notInt = (a: ArgInfo) => isFloatArg(a) || isStringArg(a) || isTimeArg(a) || isBoolArg(a);
const notString = (a: ArgInfo) => isNumericArg(a) || isTimeArg(a) || isBoolArg(a);
const notDatetime = (a: ArgInfo) => isNumericArg(a) || isStringArg(a) || isBoolArg(a);
export { notNumber, notInt, notString, notDatetime };

export const vOneNumber: Validator = (a) =>
  vLen(1, a.length) ?? (notNumber(a[0]) ? errInfo(0, 'number - float or int') : undefined);
export const vTwoNumber: Validator = (a) =>
  vLen(2, a.length) ??
  (notNumber(a[0]) ? errInfo(0, 'number - float or int') : notNumber(a[1]) ? errInfo(1, 'number - float or int') : undefined);
export const vTwoInt: Validator = (a) =>
  vLen(2, a.length) ?? (notInt(a[0]) ? errInfo(0, 'int') : notInt(a[1]) ? errInfo(1, 'int') : undefined);
export const vOneStr: Validator = (a) => vLen(1, a.length) ?? (notString(a[0]) ? errInfo(0, 'string') : undefined);
export const vTwoStr: Validator = (a) =>
  vLen(2, a.length) ?? (notString(a[0]) ? errInfo(0, 'string') : notString(a[1]) ? errInfo(1, 'string') : undefined);
export const vOneStrOneInt: Validator = (a) =>
  vLen(2, a.length) ?? (notString(a[0]) ? errInfo(0, 'string') : notInt(a[1]) ? errInfo(1, 'int') : undefined);
export const vOneDatetime: Validator = (a) => vLen(1, a.length) ?? (notDatetime(a[0]) ? errInfo(0, 'datetime') : undefined);
