/**
 * The built-in function library. Importing this module registers every eKuiper built-in
 * (192 names) in the registry; see `registry.ts` for lookup.
 */
import './math.js';
import './string.js';
import './aggregate.js';
import './inc-agg.js';
import './analytic.js';
import './array.js';
import './object.js';
import './datetime.js';
import './hash.js';
import './transform.js';
import './json.js';
import './other.js';
import './window.js';
import './srf.js';
import './multicol.js';

export { getBuiltin, builtinNames, registerBuiltin, checkNil } from './registry.js';
export type { BuiltinFunction, FunctionKind, NilPolicy } from './registry.js';
export { setTimeZone, getTimeZone } from './time.js';
