import { ConfigError, IOError, validateConfig, type ConfigSchema, type ConnectionStatus, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis, redisConnectionSchema, redisIOError, redisTarget, type RedisTarget } from './redis-client.js';

export const redisPubSinkSchema: ConfigSchema = {
  ...redisConnectionSchema,
  db: { type: 'integer', default: 0, minimum: 0, maximum: 15 },
  channel: { type: 'string', required: true, description: 'channel to PUBLISH to; may be a {{...}} template' },
};

/** Publishes each encoded result to a Redis pub/sub channel (eKuiper's `redisPub`). */
export class RedisPubSink implements Sink {
  readonly kind = 'bytes';
  private target!: RedisTarget;
  private channel = '';
  private connectTimeout = 5000;
  private client: Redis | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(redisPubSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.target = redisTarget(p, p.db);
    this.channel = p.channel as string;
    if (!this.channel) throw new ConfigError('redisPub sink is missing property channel');
    this.connectTimeout = p.connectTimeout as number;
  }

  async connect(_ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    status('connecting');
    try {
      this.client = await openRedis(this.target, this.connectTimeout);
    } catch (e) {
      status('disconnected', (e as Error).message);
      throw e;
    }
    this.client.on('ready', () => status('connected'));
    this.client.on('reconnecting', () => status('connecting'));
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const c = this.client;
    if (!c || c.status !== 'ready') throw new IOError(`redisPub sink is not connected to ${this.target.host}:${this.target.port}`);
    const channel = typeof item.props.channel === 'string' && item.props.channel ? item.props.channel : this.channel;
    const p = item.payload ?? new Uint8Array(0);
    try {
      await c.publish(channel, Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    } catch (e) {
      throw redisIOError(`PUBLISH to ${channel}`, e);
    }
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await closeRedis(c);
  }
}
