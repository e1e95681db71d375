import { ConfigError, parseDuration } from '@oort/sdk';

/** What a full cache does with one more result. */
export type OverflowPolicy = 'block' | 'dropOldest' | 'dropNewest';

/**
 * Server-wide defaults of the cache properties (the `sink.*` section of the configuration).
 * `enableCache: true` turns the cache on for every sink; false or absent leaves each sink
 * type's own default (on for network sinks, off for local ones).
 */
export interface SinkCacheDefaults {
  enableCache?: boolean;
  memoryCacheThreshold?: number;
  maxDiskCache?: number;
  bufferPageSize?: number;
  resendInterval?: number | string;
  cleanCacheAtStop?: boolean;
  resendPriority?: number;
  resendIndicatorField?: string;
  resendDestination?: string;
  overflow?: OverflowPolicy;
}

/** The cache settings of one action, resolved from its properties and the defaults. */
export interface SinkCacheOptions {
  enabled: boolean;
  /** Items kept in memory before spilling to disk (a multiple of the page size). */
  memoryCacheThreshold: number;
  /** Items the disk may hold (a multiple of the page size); 0 keeps the cache in memory. */
  maxDiskCache: number;
  bufferPageSize: number;
  resendIntervalMs: number;
  cleanCacheAtStop: boolean;
  /** Accepted for eKuiper compatibility; delivery is always in order (see docs/reliability.md). */
  resendPriority: -1 | 0 | 1;
  /** Tuple sinks: a field set to true on every row that is sent again after a failure. */
  resendIndicatorField: string;
  /** Accepted for eKuiper compatibility; resent items go to the action's own destination. */
  resendDestination: string;
  overflow: OverflowPolicy;
}

/** Sink types that write locally: a failure there is not an outage worth caching by default. */
export const LOCAL_SINK_TYPES: ReadonlySet<string> = new Set(['log', 'nop', 'memory', 'file']);

export const CACHE_DEFAULTS = {
  memoryCacheThreshold: 1024,
  maxDiskCache: 1024000,
  bufferPageSize: 256,
  resendIntervalMs: 0,
} as const;

const POLICIES: readonly OverflowPolicy[] = ['block', 'dropOldest', 'dropNewest'];

/**
 * Resolves the cache properties of an action (`enableCache`, `memoryCacheThreshold`, ...)
 * over the server defaults. Throws ConfigError for values that cannot be used, so the rule
 * refuses to start rather than run with a cache the user did not ask for.
 */
export function resolveSinkCacheOptions(
  type: string,
  props: Record<string, unknown>,
  defaults: SinkCacheDefaults = {},
): SinkCacheOptions {
  const pick = <K extends keyof SinkCacheDefaults>(k: K): unknown => (props[k] !== undefined ? props[k] : defaults[k]);
  let enabled: boolean;
  if (props.enableCache !== undefined) enabled = bool(props.enableCache, 'enableCache');
  else if (defaults.enableCache === true) enabled = true;
  else enabled = !LOCAL_SINK_TYPES.has(type);
  const page = int(pick('bufferPageSize'), 'bufferPageSize', CACHE_DEFAULTS.bufferPageSize, 1);
  const mem = roundUp(int(pick('memoryCacheThreshold'), 'memoryCacheThreshold', CACHE_DEFAULTS.memoryCacheThreshold, 1), page);
  const disk = roundUp(int(pick('maxDiskCache'), 'maxDiskCache', CACHE_DEFAULTS.maxDiskCache, 0), page);
  const interval = pick('resendInterval');
  const resendIntervalMs = interval === undefined || interval === '' ? 0 : parseDuration(interval);
  if (resendIntervalMs === undefined || resendIntervalMs < 0) throw new ConfigError(`property resendInterval must be a duration, got ${JSON.stringify(interval)}`);
  const priority = int(pick('resendPriority'), 'resendPriority', 0, -1);
  if (priority > 1) throw new ConfigError('property resendPriority must be -1, 0 or 1');
  const overflow = pick('overflow') ?? 'block';
  if (!POLICIES.includes(overflow as OverflowPolicy)) throw new ConfigError(`property overflow must be one of ${POLICIES.join(', ')}`);
  return {
    enabled,
    memoryCacheThreshold: mem,
    maxDiskCache: disk,
    bufferPageSize: page,
    resendIntervalMs,
    cleanCacheAtStop: pick('cleanCacheAtStop') === undefined ? false : bool(pick('cleanCacheAtStop'), 'cleanCacheAtStop'),
    resendPriority: priority as -1 | 0 | 1,
    resendIndicatorField: str(pick('resendIndicatorField'), 'resendIndicatorField'),
    resendDestination: str(pick('resendDestination'), 'resendDestination'),
    overflow: overflow as OverflowPolicy,
  };
}

function bool(v: unknown, name: string): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new ConfigError(`property ${name} must be a boolean, got ${JSON.stringify(v)}`);
}

function int(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new ConfigError(`property ${name} must be an integer >= ${min}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`);
  return n;
}

function str(v: unknown, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ConfigError(`property ${name} must be a string`);
  return v;
}

function roundUp(n: number, page: number): number {
  return Math.ceil(n / page) * page;
}
