import type { Row } from '@oort/sdk';
import { parseExpression } from '../../sql/index.js';
import { ManualClock } from '../clock.js';
import type { EvalRow } from '../tuple.js';
import { compileExpr } from './compile.js';
import { simpleScope, type CompileScope } from './scope.js';

/** Shared fixtures for the expression tests. */
export const clock = new ManualClock(5000);

export function testScope(extra: Partial<CompileScope> = {}): CompileScope {
  return simpleScope({ clock, ruleId: 'rule0', ruleStart: 12345, ...extra });
}

export function row(data: Row, extra: Partial<EvalRow> = {}): EvalRow {
  return { data, meta: {}, ts: 1000, emitter: 'demo', ...extra };
}

/** Compiles `sql` as an expression and evaluates it against `data`. */
export function evalSql(sql: string, data: Row = {}, extra: Partial<EvalRow> = {}, scope?: CompileScope): unknown {
  return compileExpr(parseExpression(sql), scope ?? testScope())(row(data, extra));
}

/** The EvalError message of evaluating `sql`, or undefined when it did not throw. */
export function evalError(sql: string, data: Row = {}): string | undefined {
  try {
    evalSql(sql, data);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
