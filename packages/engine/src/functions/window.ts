/** `row_number()` (kind `window`): the window-function operator numbers rows itself. */
import { define, vNoArg } from './define.js';

define('window', 'row_number', { kind: 'window', validate: vNoArg, exec: () => null });
