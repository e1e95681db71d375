import { ConfigError, IOError, toJSON, validateConfig, type ConfigSchema, type ConnectionStatus, type Row, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis, redisConnectionSchema, redisIOError, redisTarget, type RedisTarget } from './redis-client.js';

export const redisSinkSchema: ConfigSchema = {
  ...redisConnectionSchema,
  db: { type: 'integer', default: 0, minimum: 0, maximum: 15 },
  key: { type: 'string', description: 'static key (keyType single); may be a {{...}} template' },
  field: { type: 'string', description: 'take the key from this field of each row (keyType single)' },
  keyType: { type: 'string', default: 'single', enum: ['single', 'multiple'], description: 'single: one key per row holding the row as JSON; multiple: one key per field' },
  dataType: { type: 'string', default: 'string', enum: ['string', 'list'], description: 'string: SET; list: LPUSH' },
  expiration: { type: 'duration', default: -1, description: 'TTL of written string keys; -1 or 0: none' },
  rowkindField: { type: 'string', description: 'field holding insert/update/upsert/delete; delete removes the key (DEL, or LPOP for lists)' },
};

const KINDS = new Set(['insert', 'update', 'upsert', 'delete']);

interface Op {
  cmd: 'set' | 'lpush' | 'lpop' | 'del';
  key: string;
  value?: string;
  ttl: number;
}

/**
 * Writes result rows to Redis, as eKuiper's `redis` sink: each row as JSON under a static
 * key or a key taken from a field (keyType single), or each field under its own name
 * (keyType multiple). With `rowkindField` it keeps a Redis lookup table up to date: delete
 * rows remove the key. A collect is sent as one MULTI/EXEC transaction.
 */
export class RedisSink implements Sink {
  readonly kind = 'tuple';
  private target!: RedisTarget;
  private p: Record<string, unknown> = {};
  private client: Redis | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(redisSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.target = redisTarget(p, p.db);
    if (p.keyType === 'single' && !p.key && !p.field) throw new ConfigError('redis sink must have key or field when keyType is single');
    this.p = p;
  }

  async connect(_ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    status('connecting');
    try {
      this.client = await openRedis(this.target, this.p.connectTimeout as number);
    } catch (e) {
      status('disconnected', (e as Error).message);
      throw e;
    }
    this.client.on('ready', () => status('connected'));
    this.client.on('reconnecting', () => status('connecting'));
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const rows = item.rows ?? [];
    if (!rows.length) return;
    const c = this.client;
    if (!c || c.status !== 'ready') throw new IOError(`redis sink is not connected to ${this.target.host}:${this.target.port}`);
    const key = typeof item.props.key === 'string' && item.props.key ? item.props.key : (this.p.key as string | undefined);
    // build every command first so a bad row fails the collect before anything is written
    const ops: Op[] = [];
    for (const row of rows) this.add(ops, row, key);
    const tx = c.multi();
    for (const op of ops) {
      if (op.cmd === 'set') {
        if (op.ttl > 0) tx.set(op.key, op.value!, 'PX', op.ttl);
        else tx.set(op.key, op.value!);
      } else if (op.cmd === 'lpush') tx.lpush(op.key, op.value!);
      else if (op.cmd === 'lpop') tx.lpop(op.key);
      else tx.del(op.key);
    }
    let res: [Error | null, unknown][] | null;
    try {
      res = await tx.exec();
    } catch (e) {
      throw redisIOError('write', e);
    }
    const failed = res?.find(([err]) => err);
    if (failed) throw redisIOError('write', failed[0]);
  }

  private add(ops: Op[], row: Row, staticKey: string | undefined): void {
    let kind = 'upsert';
    const kf = this.p.rowkindField as string | undefined;
    if (kf && row[kf] !== undefined && row[kf] !== null) {
      if (typeof row[kf] !== 'string') throw new Error(`rowkind field ${kf} is not a string`);
      kind = (row[kf] as string).toLowerCase();
      if (!KINDS.has(kind)) throw new Error(`invalid rowkind ${kind}`);
    }
    const pairs: [string, string][] = [];
    if (this.p.keyType === 'multiple') {
      for (const [k, v] of Object.entries(row)) pairs.push([k, text(v)]);
    } else {
      let key = staticKey ?? '';
      const field = this.p.field as string | undefined;
      if (field) {
        if (row[field] === undefined || row[field] === null) throw new Error(`field ${field} does not exist in the row`);
        key = text(row[field]);
      }
      pairs.push([key, toJSON(row)]);
    }
    const list = this.p.dataType === 'list';
    const ttl = Math.round(this.p.expiration as number);
    for (const [k, v] of pairs) {
      if (kind === 'delete') ops.push({ cmd: list ? 'lpop' : 'del', key: k, ttl });
      else ops.push({ cmd: list ? 'lpush' : 'set', key: k, value: v, ttl });
    }
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await closeRedis(c);
  }
}

/** A value as Redis text: strings as they are, everything else as JSON. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  return toJSON(v);
}
