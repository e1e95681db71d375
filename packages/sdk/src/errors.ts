/**
 * An error a sink or source can recover from by retrying later (network down, server busy).
 * Sinks throw it from `collect` so the engine caches and resends the data.
 *
 * @example
 * ```ts
 * if (res.status >= 500) throw new IOError(`server answered ${res.status}`);
 * ```
 */
export class IOError extends Error {
  override readonly name = 'IOError';
  readonly retryable = true;
}

/**
 * A configuration error found while provisioning: the rule will not start and the
 * message is shown to the user.
 *
 * @example
 * ```ts
 * if (!props.url) throw new ConfigError('url is required');
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** True for errors the engine may retry ({@link IOError} or any error with `retryable: true`). */
export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}
