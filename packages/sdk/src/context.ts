/** Log sink handed to every plugin; messages carry the rule and operator ids. */
export interface Logger {
  debug(msg: string, ...args: unknown[]): void;
  info(msg: string, ...args: unknown[]): void;
  warn(msg: string, ...args: unknown[]): void;
  error(msg: string, ...args: unknown[]): void;
}

/** Handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as the engine sees it. Plugins must read time from here, never from `Date.now()`,
 * so that rule tests can run in simulated time.
 *
 * @example
 * ```ts
 * const t = ctx.clock.setTimeout(() => flush(), 1000);
 * t.cancel();
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}

/**
 * Per-plugin key/value state, kept in the rule's checkpoints.
 *
 * @example
 * ```ts
 * const n = (ctx.state.get<number>('count') ?? 0) + 1;
 * ctx.state.put('count', n);
 * ```
 */
export interface StateStore {
  get<T = unknown>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  delete(key: string): void;
}

/**
 * What a source, sink or function instance knows about where it runs.
 *
 * @example
 * ```ts
 * provision(ctx, props) { ctx.logger.info(`rule ${ctx.ruleId} uses ${props.url}`); }
 * ```
 */
export interface StreamContext {
  readonly ruleId: string;
  readonly opId: string;
  readonly instanceId: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly state: StateStore;
  /** Aborted when the instance is being closed. */
  readonly signal: AbortSignal;
  /** Folder with the plugin's installed `etc/` files, if any. */
  readonly rootPath?: string;
}

/** Connection states reported by sources and sinks (eKuiper's names). */
export type ConnectionStatus = 'connected' | 'connecting' | 'disconnected';
