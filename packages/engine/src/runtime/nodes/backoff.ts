/** Exponential backoff with jitter: delay·multiplier^attempt, capped, ± jitter. */
export function backoffDelay(attempt: number, opts: { delay: number; multiplier: number; maxDelay: number; jitterFactor: number }): number {
  const base = Math.min(opts.maxDelay, opts.delay * Math.pow(opts.multiplier, attempt));
  const jitter = base * opts.jitterFactor * (Math.random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}

export const CONNECT_BACKOFF = { delay: 500, multiplier: 2, maxDelay: 30000, jitterFactor: 0.1 };
