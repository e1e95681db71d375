import { oortError } from '../errors.js';
import type { Processor, ProcessorOptions } from './processor.js';

/** Windows and joins: their semantics are the next milestone (see issue 3). */
export function buildWindowStage(o: ProcessorOptions): Processor {
  throw oortError('PLAN', o.plan.stmt.window ? `window ${o.plan.stmt.window.type} is not supported yet` : 'joins are not supported yet');
}
