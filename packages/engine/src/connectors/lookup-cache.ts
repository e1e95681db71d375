import { ConfigError, parseDuration, type Clock, type Row } from '@oort/sdk';

/**
 * The `lookup` property of a lookup table's source configuration (eKuiper's `LookupConf`):
 * `cache` turns the cache on, `cacheTtl` (duration, ms when a number; 0 = never expires) bounds
 * how long a result is reused, `cacheMissingKey` also remembers keys that matched nothing.
 * `cacheSize` (an Oort extension) bounds the number of cached keys; the least recently used
 * key is evicted first.
 */
export interface LookupCacheOptions {
  cache: boolean;
  cacheTtl: number;
  cacheMissingKey: boolean;
  cacheSize: number;
}

export const DEFAULT_LOOKUP_CACHE_SIZE = 10_000;

/** Reads `props.lookup` (case-insensitive keys, as eKuiper's conf keys are). */
export function parseLookupOptions(props: Record<string, unknown>): LookupCacheOptions {
  const raw = pick(props, 'lookup');
  const out: LookupCacheOptions = { cache: false, cacheTtl: 0, cacheMissingKey: false, cacheSize: DEFAULT_LOOKUP_CACHE_SIZE };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('property lookup must be an object {cache, cacheTtl, cacheMissingKey}');
  const l = raw as Record<string, unknown>;
  out.cache = bool(pick(l, 'cache'), 'lookup.cache');
  out.cacheMissingKey = bool(pick(l, 'cacheMissingKey'), 'lookup.cacheMissingKey');
  const ttl = pick(l, 'cacheTtl');
  if (ttl !== undefined && ttl !== null) {
    const ms = parseDuration(ttl);
    if (ms === undefined || ms < 0) throw new ConfigError(`property lookup.cacheTtl must be a duration such as "10m" or a number of milliseconds, got ${String(ttl)}`);
    out.cacheTtl = ms;
  }
  const size = pick(l, 'cacheSize');
  if (size !== undefined && size !== null) {
    const n = Number(size);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('property lookup.cacheSize must be a positive integer');
    out.cacheSize = n;
  }
  return out;
}

function pick(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function bool(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError(`property ${name} must be a boolean`);
}

/**
 * Text that identifies one lookup request. Numbers and bigints with the same value share a
 * key (1 and 1n find the same rows); strings are tagged so "1" and 1 do not.
 */
export function lookupCacheKey(fields: readonly string[], keys: readonly string[], values: readonly unknown[]): string {
  let s = fields.join(',') + '|' + keys.join(',');
  for (const v of values) s += '|' + valueText(v);
  return s;
}

function valueText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
    case 'bigint':
      return 'n' + String(v);
    case 'boolean':
      return 'b' + String(v);
    case 'undefined':
      return 'u';
    default:
      if (v === null) return 'u';
      if (v instanceof Date) return 'd' + v.getTime();
      try {
        return 'j' + JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
      } catch {
        return 'o' + String(v);
      }
  }
}

interface Entry {
  rows: Row[];
  /** 0 when it never expires. */
  expires: number;
}

/**
 * A bounded LRU cache of lookup results with a TTL read from the injected clock, so rule
 * tests in simulated time expire entries deterministically. Cached row arrays are shared
 * between callers: treat them as read-only.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly clock: Clock,
    private readonly opts: Pick<LookupCacheOptions, 'cacheTtl' | 'cacheMissingKey' | 'cacheSize'>,
  ) {}

  get(key: string): Row[] | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.expires && this.clock.now() >= e.expires) {
      this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // re-insert to mark it most recently used (a Map iterates in insertion order)
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.rows;
  }

  set(key: string, rows: Row[]): void {
    if (rows.length === 0 && !this.opts.cacheMissingKey) return;
    this.entries.delete(key);
    this.entries.set(key, { rows, expires: this.opts.cacheTtl > 0 ? this.clock.now() + this.opts.cacheTtl : 0 });
    while (this.entries.size > this.opts.cacheSize) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export type LookupFn = (fields: string[], keys: string[], values: unknown[]) => Promise<Row[]>;

/**
 * Wraps a source's lookup with the cache its `lookup` props ask for. Concurrent requests for
 * the same key share one query. With the cache off, `fetch` is returned as it is.
 *
 * @example
 * ```ts
 * this.lookupFn = cachedLookup(ctx.clock, parseLookupOptions(props), (f, k, v) => this.query(f, k, v));
 * ```
 */
export function cachedLookup(clock: Clock, opts: LookupCacheOptions, fetch: LookupFn): LookupFn & { cache?: LookupCache } {
  if (!opts.cache) return fetch;
  const cache = new LookupCache(clock, opts);
  const inflight = new Map<string, Promise<Row[]>>();
  const fn = async (fields: string[], keys: string[], values: unknown[]): Promise<Row[]> => {
    const key = lookupCacheKey(fields, keys, values);
    const hit = cache.get(key);
    if (hit) return hit;
    const pending = inflight.get(key);
    if (pending) return pending;
    const p = fetch(fields, keys, values).then(
      (rows) => {
        inflight.delete(key);
        cache.set(key, rows);
        return rows;
      },
      (e: unknown) => {
        inflight.delete(key);
        throw e;
      },
    );
    inflight.set(key, p);
    return p;
  };
  return Object.assign(fn, { cache });
}
