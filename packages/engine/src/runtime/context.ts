import type { Clock, Logger, StreamContext } from '@oort/sdk';
import { MapStateStore } from './expr/scope.js';

export function createStreamContext(opts: {
  ruleId: string;
  opId: string;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  instanceId?: number;
  rootPath?: string;
}): StreamContext {
  return {
    ruleId: opts.ruleId,
    opId: opts.opId,
    instanceId: opts.instanceId ?? 0,
    logger: opts.logger,
    clock: opts.clock,
    state: new MapStateStore(),
    signal: opts.signal,
    rootPath: opts.rootPath,
  };
}
