import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis, redisConnectionSchema, redisTarget, type RedisTarget } from './redis-client.js';

export const redisSubSourceSchema: ConfigSchema = {
  ...redisConnectionSchema,
  db: { type: 'integer', default: 0, minimum: 0, maximum: 15 },
  channels: { type: 'any', description: 'channel patterns to subscribe to (PSUBSCRIBE), a list or comma-separated; DATASOURCE when empty' },
  datasource: { type: 'string', description: 'used as the channel pattern when channels is empty' },
};

/**
 * Subscribes to Redis pub/sub channel patterns and hands each message's payload to the
 * stream's FORMAT decoder, with meta `{channel}`. Redis pub/sub cannot be paused, so a
 * full engine queue is left to the rule's buffer policy.
 */
export class RedisSubSource implements Source {
  private target!: RedisTarget;
  private channels: string[] = [];
  private connectTimeout = 5000;
  private client: Redis | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(redisSubSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.target = redisTarget(p, p.db);
    const ch = p.channels;
    const list = Array.isArray(ch) ? ch.map(String) : typeof ch === 'string' ? ch.split(',') : [];
    this.channels = list.map((c) => c.trim()).filter(Boolean);
    if (!this.channels.length && typeof p.datasource === 'string' && p.datasource.trim()) this.channels = [p.datasource.trim()];
    if (!this.channels.length) throw new ConfigError('redisSub needs at least one channel in channels');
    this.connectTimeout = p.connectTimeout as number;
  }

  async connect(ctx: StreamContext, io: SourceIO): Promise<void> {
    const client = await openRedis(this.target, this.connectTimeout, {
      // a subscriber must re-subscribe after a reconnect; ioredis does that itself
      autoResubscribe: true,
    });
    this.client = client;
    client.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
      if (this.client !== client) return;
      io.bytes(message, { channel: channel.toString('utf8') });
    });
    client.on('ready', () => io.status('connected'));
    client.on('reconnecting', () => io.status('connecting'));
    client.on('end', () => {
      if (this.client === client) io.status('disconnected');
    });
    client.on('error', (e: Error) => ctx.logger.warn(`redisSub ${this.target.host}:${this.target.port}: ${e.message}`));
    try {
      await client.psubscribe(...this.channels);
    } catch (e) {
      this.client = undefined;
      client.disconnect();
      throw e;
    }
    io.status('connected');
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await closeRedis(c);
  }
}
