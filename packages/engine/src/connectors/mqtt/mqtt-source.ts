import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { connect, type MqttClient } from 'mqtt';
import { backoff, clientOptions, MIN_RECONNECT_MS, mqttConnectionSchema } from './client-options.js';

export const mqttSourceSchema: ConfigSchema = {
  ...mqttConnectionSchema,
  datasource: { type: 'string', required: true, description: 'topic or comma-separated topics, MQTT wildcards allowed' },
  qos: { type: 'integer', default: 1, enum: [0, 1, 2] },
  clientid: { type: 'string', description: 'client id; a random one by default' },
};

/**
 * Subscribes to MQTT topics and hands each message's payload to the rule, with meta
 * `{topic, qos, messageId}`. Reconnects with exponential backoff and reports its status.
 * When the engine's queue is full it stops taking packets from the broker connection
 * until `onDrain` fires.
 */
export class MqttSource implements Source {
  private props: Record<string, unknown> = {};
  private topics: string[] = [];
  private qos: 0 | 1 | 2 = 1;
  private client: MqttClient | undefined;
  private paused = false;
  private waiting: (() => void)[] = [];

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(mqttSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.props = p;
    this.topics = (p.datasource as string).split(',').map((t) => t.trim()).filter(Boolean);
    if (!this.topics.length) throw new ConfigError('mqtt source needs a topic in DATASOURCE');
    this.qos = p.qos as 0 | 1 | 2;
    clientOptions(p, 'check'); // protocol version and TLS files are checked before connecting
  }

  async connect(ctx: StreamContext, io: SourceIO): Promise<void> {
    const opts = clientOptions(this.props, this.props.clientid);
    const client = connect(this.props.server as string, opts);
    this.client = client;
    // delaying mqtt.js' per-packet callback holds back the parsing of the next packets
    client.handleMessage = (_packet, cb) => {
      if (this.paused) this.waiting.push(() => cb());
      else cb();
    };
    io.onDrain(() => {
      this.paused = false;
      const w = this.waiting;
      this.waiting = [];
      for (const fn of w) fn();
    });
    io.status('connecting');
    client.on('message', (topic, payload, packet) => {
      if (!io.bytes(payload, { topic, qos: packet.qos, messageId: packet.messageId })) this.paused = true;
    });
    client.on('reconnect', () => io.status('connecting'));
    client.on('offline', () => {
      backoff(client.options);
      io.status('disconnected');
    });
    client.on('error', (e) => {
      ctx.logger.warn(`mqtt source ${this.props.server}: ${e.message}`);
    });
    const subscribed = new Promise<void>((resolve) => {
      client.on('connect', () => {
        client.options.reconnectPeriod = MIN_RECONNECT_MS;
        client.subscribe(this.topics, { qos: this.qos }, (err) => {
          if (err) {
            io.error(new Error(`mqtt subscribe ${this.topics.join(',')} failed: ${err.message}`));
            io.status('disconnected', err.message);
          } else io.status('connected');
          resolve();
        });
      });
    });
    // wait for the first subscription so nothing published right after connect is missed;
    // if the broker is down the client keeps retrying in the background
    const timeout = (this.props.connectTimeout as number) || 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([subscribed, new Promise<void>((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    if (!client.connected) io.status('disconnected', `cannot connect to ${this.props.server}`);
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    for (const fn of this.waiting) fn();
    this.waiting = [];
    c.removeAllListeners('message');
    await c.endAsync();
  }
}
