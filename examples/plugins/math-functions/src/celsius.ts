import type { FunctionDef } from '@oort/sdk';
import { arity, num, numericLiteral } from './arg-checks.js';

/**
 * `celsius(f)`: degrees Fahrenheit to Celsius. Null or a non-number gives null.
 *
 * @example
 * ```sql
 * SELECT celsius(temperature) AS t_c FROM demo
 * ```
 */
export const celsius: FunctionDef = {
  type: 'scalar',
  validate: (args) => arity('celsius', args, 1) ?? numericLiteral('celsius', args[0]!, 1),
  exec(_ctx, [f]) {
    const n = num(f);
    return n === undefined ? null : ((n - 32) * 5) / 9;
  },
};
