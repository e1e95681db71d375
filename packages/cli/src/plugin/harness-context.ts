import type { Clock, FunctionContext, Logger, StreamContext, TimerHandle } from '@oort/sdk';

/** A logged line kept by the harness, shown when a check fails. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
}

/** Real-time clock; every timer is tracked so the harness can find leaks after `close`. */
export class TrackingClock implements Clock {
  readonly live = new Set<TimerHandle>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = { cancel: () => (clearTimeout(t), this.live.delete(h)) };
    const t = setTimeout(() => (this.live.delete(h), fn()), ms);
    this.live.add(h);
    return h;
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const t = setInterval(fn, ms);
    const h: TimerHandle = { cancel: () => (clearInterval(t), this.live.delete(h)) };
    this.live.add(h);
    return h;
  }

  cancelAll(): void {
    for (const h of [...this.live]) h.cancel();
  }
}

/** A context like the engine's, for one instance under test. */
export function harnessContext(opId: string, logs: LogLine[], rootPath?: string): StreamContext & FunctionContext & { clock: TrackingClock; abort(): void } {
  const state = new Map<string, unknown>();
  const ac = new AbortController();
  const log = (level: LogLine['level']) => (msg: string, ...args: unknown[]) => {
    logs.push({ level, msg: args.length ? `${msg} ${args.map((a) => String(a)).join(' ')}` : msg });
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    ruleId: 'harness',
    opId,
    instanceId: 0,
    funcId: 0,
    logger,
    clock: new TrackingClock(),
    state: {
      get: <T>(k: string) => state.get(k) as T | undefined,
      put: (k, v) => void state.set(k, v),
      delete: (k) => void state.delete(k),
    },
    signal: ac.signal,
    rootPath,
    abort: () => ac.abort(),
  };
}
