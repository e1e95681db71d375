import { ConfigError, validateConfig, type ConfigSchema, type Row, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import type { Redis } from 'ioredis';
import { cachedLookup, parseLookupOptions, type LookupFn } from '../lookup-cache.js';
import { closeRedis, openRedis, redisConnectionSchema, redisIOError, redisTarget, type RedisTarget } from './redis-client.js';

export const redisLookupSourceSchema: ConfigSchema = {
  ...redisConnectionSchema,
  datasource: { type: 'string', default: '0', description: 'the database index, 0-15' },
  dataType: { type: 'string', default: 'string', enum: ['string', 'list'], description: 'string: GET key gives one JSON row; list: LRANGE key gives one JSON row per element' },
  lookup: { type: 'object', description: '{cache, cacheTtl, cacheMissingKey, cacheSize}' },
};

/**
 * A Redis lookup table (eKuiper's `redis` source, lookup only). The join's key value is the
 * Redis key; its value is a JSON object (dataType string) or a list of them (dataType list).
 *
 * @example
 * ```sql
 * CREATE TABLE devices () WITH (TYPE="redis", KIND="lookup", DATASOURCE="0", CONF_KEY="default")
 * ```
 */
export class RedisLookupSource implements Source {
  private target!: RedisTarget;
  private dataType = 'string';
  private connectTimeout = 5000;
  private client: Promise<Redis> | undefined;
  private closed = false;
  private lookupFn!: LookupFn;

  provision(ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(redisLookupSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    const ds = p.datasource === '/$$TEST_CONNECTION$$' ? '0' : p.datasource;
    this.target = redisTarget(p, ds);
    this.dataType = p.dataType as string;
    this.connectTimeout = p.connectTimeout as number;
    this.lookupFn = cachedLookup(ctx.clock, parseLookupOptions(props), (_f, keys, values) => this.fetch(keys, values));
  }

  /** Lookup only: connect checks the server and reports the status; it never emits rows. */
  async connect(_ctx: StreamContext, io: SourceIO): Promise<void> {
    await this.open();
    io.status('connected');
  }

  lookup(_ctx: StreamContext, fields: string[], keys: string[], values: unknown[]): Promise<Row[]> {
    return this.lookupFn(fields, keys, values);
  }

  private open(): Promise<Redis> {
    if (this.closed) return Promise.reject(new Error('redis lookup source is closed'));
    if (!this.client) {
      const p = openRedis(this.target, this.connectTimeout);
      this.client = p;
      p.catch(() => {
        if (this.client === p) this.client = undefined; // the next lookup tries again
      });
    }
    return this.client;
  }

  private async fetch(keys: string[], values: unknown[]): Promise<Row[]> {
    if (keys.length !== 1) throw new ConfigError(`redis lookup only supports one key, got ${keys.join(', ')}`);
    const v = values[0];
    if (v === null || v === undefined) return [];
    const key = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    const client = await this.open();
    if (this.dataType === 'string') {
      let text: string | null;
      try {
        text = await client.get(key);
      } catch (e) {
        throw redisIOError(`GET ${key}`, e);
      }
      return text === null ? [] : [parseRow(text, key)];
    }
    let items: string[];
    try {
      items = await client.lrange(key, 0, -1);
    } catch (e) {
      throw redisIOError(`LRANGE ${key}`, e);
    }
    return items.map((t) => parseRow(t, key));
  }

  async close(_ctx?: StreamContext): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    if (c) await closeRedis(await c.catch(() => undefined));
  }
}

function parseRow(text: string, key: string): Row {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`redis value of key ${key} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`redis value of key ${key} is not a JSON object`);
  return v as Row;
}
