import type { Clock, Logger, StateStore, StreamContext } from '@oort/sdk';

/** In-memory StateStore; rule checkpoints snapshot it. */
export class MemoryState implements StateStore {
  readonly map = new Map<string, unknown>();
  get<T = unknown>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  put(key: string, value: unknown): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

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
    state: new MemoryState(),
    signal: opts.signal,
    rootPath: opts.rootPath,
  };
}
