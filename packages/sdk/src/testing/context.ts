import type { Clock, Logger, StateStore, StreamContext, TimerHandle } from '../context.js';

/** One line recorded by the test logger. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  args: unknown[];
}

/** A {@link StreamContext} for tests, with the recorded log and a way to abort it. */
export interface TestContext extends StreamContext {
  /** Everything logged through `logger`, oldest first. */
  readonly logs: LogEntry[];
  /** Aborts `signal`, as the engine does when it closes the instance. */
  abort(): void;
}

export interface TestContextOptions {
  ruleId?: string;
  opId?: string;
  instanceId?: number;
  clock?: Clock;
  /** Also print log lines to the console (default false). */
  print?: boolean;
  rootPath?: string;
}

/** Wall-clock time, for tests that talk to real services. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn: () => void, ms: number): TimerHandle {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

/**
 * A context for unit-testing sources, sinks and functions outside the engine: a logger that
 * records, the real clock (or the one given) and an in-memory state store.
 *
 * @example
 * ```ts
 * import { createTestContext } from '@oort/sdk/testing';
 * const ctx = createTestContext({ ruleId: 'r1' });
 * await sink.provision(ctx, { url: 'http://127.0.0.1:8080' });
 * ```
 */
export function createTestContext(opts: TestContextOptions = {}): TestContext {
  const logs: LogEntry[] = [];
  const log =
    (level: LogEntry['level']) =>
    (msg: string, ...args: unknown[]): void => {
      logs.push({ level, msg, args });
      if (opts.print) console.log(`[${level}] ${msg}`, ...args);
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const data = new Map<string, unknown>();
  const state: StateStore = {
    get: <T>(key: string) => data.get(key) as T | undefined,
    put: (key, value) => void data.set(key, value),
    delete: (key) => void data.delete(key),
  };
  const controller = new AbortController();
  return {
    ruleId: opts.ruleId ?? 'test_rule',
    opId: opts.opId ?? 'test_op',
    instanceId: opts.instanceId ?? 0,
    logger,
    clock: opts.clock ?? realClock,
    state,
    signal: controller.signal,
    rootPath: opts.rootPath,
    logs,
    abort: () => controller.abort(),
  };
}
