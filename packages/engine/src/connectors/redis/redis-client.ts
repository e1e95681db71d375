import { ConfigError, IOError, type ConfigSchema } from '@oort/sdk';
import { Redis, type RedisOptions } from 'ioredis';

/** Connection properties shared by the redis connectors (eKuiper names: `addr`, or `address` for redisSub/redisPub). */
export const redisConnectionSchema: ConfigSchema = {
  addr: { type: 'string', description: 'host:port of the Redis server (or a redis:// URL); default 127.0.0.1:6379' },
  address: { type: 'string', description: 'alias of addr (the name redisSub and redisPub use in eKuiper)' },
  username: { type: 'string' },
  password: { type: 'string', secret: true },
  connectTimeout: { type: 'duration', default: 5000 },
};

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

/** Reads addr/address, credentials and the database index, as eKuiper validates them. */
export function redisTarget(p: Record<string, unknown>, db: unknown): RedisTarget {
  const addr = String((p.addr as string | undefined) || (p.address as string | undefined) || '127.0.0.1:6379');
  const t: RedisTarget = { host: '127.0.0.1', port: 6379, db: 0, tls: false };
  if (/^rediss?:\/\//i.test(addr)) {
    let u: URL;
    try {
      u = new URL(addr);
    } catch {
      throw new ConfigError(`invalid redis address ${addr}`);
    }
    t.host = u.hostname;
    t.port = u.port ? Number(u.port) : 6379;
    t.tls = u.protocol === 'rediss:';
    if (u.username) t.username = decodeURIComponent(u.username);
    if (u.password) t.password = decodeURIComponent(u.password);
  } else {
    const i = addr.lastIndexOf(':');
    t.host = i > 0 ? addr.slice(0, i).replace(/^\[|\]$/g, '') : addr;
    t.port = i > 0 ? Number(addr.slice(i + 1)) : 6379;
  }
  if (!t.host || !Number.isInteger(t.port) || t.port <= 0 || t.port > 65535) throw new ConfigError(`invalid redis address ${addr}`);
  if (typeof p.username === 'string' && p.username) t.username = p.username;
  if (typeof p.password === 'string' && p.password) t.password = p.password;
  const n = db === undefined || db === null || db === '' ? 0 : Number(db);
  if (!Number.isInteger(n) || n < 0 || n > 15) throw new ConfigError(`redis db should be in range 0-15, got ${String(db)}`);
  t.db = n;
  return t;
}

/**
 * Opens a client and waits for the first connection. Commands fail at once while the
 * connection is down (no offline queue), so sinks can report IOError and be retried by the
 * engine; the client reconnects in the background.
 */
export async function openRedis(t: RedisTarget, connectTimeout: number, extra: RedisOptions = {}): Promise<Redis> {
  // no background retries until the first connection worked: the caller (the engine's
  // connect loop) retries a failed open itself
  let opened = false;
  const client = new Redis({
    host: t.host,
    port: t.port,
    username: t.username,
    password: t.password,
    db: t.db,
    tls: t.tls ? {} : undefined,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout,
    retryStrategy: (times) => (opened ? Math.min(times * 200, 5000) : null),
    ...extra,
  });
  // errors surface through commands and status; an unhandled 'error' event would crash the process
  client.on('error', () => {});
  try {
    await client.connect();
    opened = true;
  } catch (e) {
    client.disconnect();
    throw new IOError(`cannot connect to redis ${t.host}:${t.port}: ${(e as Error).message}`);
  }
  return client;
}

/** Closes politely, and drops the socket if the server does not answer. */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client) return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through
    }
  }
  client.disconnect();
}

/** Command failures become IOError, so the engine retries them. */
export function redisIOError(what: string, e: unknown): IOError {
  return new IOError(`redis ${what} failed: ${(e as Error).message}`);
}
