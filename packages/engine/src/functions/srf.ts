/**
 * Set-returning functions (kind `srf`). The ProjectSet operator expands the returned array
 * into rows: `unnest(arr)` one row per element, `extract(map)` one row spreading the map.
 */
import { define, fail, vOneArg } from './define.js';
import { isMap } from '../runtime/value.js';

define('srf', 'unnest', { kind: 'srf', nil: 'nil', validate: vOneArg, exec: (_c, a) => a[0] });
define('srf', 'extract', {
  kind: 'srf', nil: 'nil', validate: vOneArg,
  exec: (_c, a) => (isMap(a[0]) ? [a[0]] : fail('extract should use map')),
});
