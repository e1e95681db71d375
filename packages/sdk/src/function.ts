import type { StreamContext } from './context.js';

/**
 * What the planner knows about one argument when it validates a call: a literal with its
 * value, a field reference with its name, or any other expression.
 */
export type ArgInfo =
  | { kind: 'literal'; value: unknown }
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'expr' };

/** Context of one call site: the rule context plus a stable id for per-call-site state. */
export interface FunctionContext extends StreamContext {
  readonly funcId: number;
}

/**
 * A SQL function. Scalar functions get one value per argument; aggregate functions get,
 * for each argument, the array of its values over the group. Throw an `Error` for a
 * per-row failure: the engine counts it and, with `sendError`, reports it to sinks.
 *
 * @example
 * ```ts
 * export const celsius: FunctionDef = {
 *   type: 'scalar',
 *   validate: (args) => (args.length === 1 ? undefined : 'expect 1 argument'),
 *   exec: (_ctx, [f]) => (toNumber(f) - 32) / 1.8,
 * };
 * ```
 */
export interface FunctionDef {
  type: 'scalar' | 'aggregate';
  /** Called at plan time; return an error message to refuse the call. */
  validate?(args: ArgInfo[]): string | undefined;
  exec(ctx: FunctionContext, args: unknown[]): unknown;
}
