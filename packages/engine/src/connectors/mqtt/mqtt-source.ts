import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { connect, type MqttClient } from 'mqtt';
import { HeldAcks } from './held-acks.js';
import { backoff, clientOptions, MIN_RECONNECT_MS, mqttConnectionSchema } from './client-options.js';

export const mqttSourceSchema: ConfigSchema = {
  ...mqttConnectionSchema,
  datasource: { type: 'string', required: true, description: 'topic or comma-separated topics, MQTT wildcards allowed' },
  qos: { type: 'integer', default: 1, enum: [0, 1, 2] },
  clientid: { type: 'string', description: 'client id; a random one by default, a stable one for rules at QoS 1/2' },
};

/** MQTT 5 session expiry when a QoS 1/2 rule asks for a session and none is configured (a week). */
const DEFAULT_SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * Subscribes to MQTT topics and hands each message's payload to the rule, with meta
 * `{topic, qos, messageId}`. Reconnects with exponential backoff and reports its status.
 * When the engine's queue is full it stops taking packets from the broker connection
 * until `onDrain` fires.
 *
 * When a rule at QoS 1/2 reads the stream (`io.delivery.acknowledged`), the source keeps a
 * persistent session (clean start off; the engine's stable session id as client id unless
 * `clientid` is set) and sends each PUBACK only when
 * the engine acknowledges the message, so the broker redelivers what a crash left uncovered.
 * It then subscribes at QoS 1 at most: a QoS 2 PUBREC would be sent before the message
 * reaches the engine, and the engine de-duplicates by itself at QoS 2.
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
    const manual = io.delivery?.acknowledged === true && this.qos > 0;
    if (io.delivery?.acknowledged && this.qos === 0) ctx.logger.warn(`mqtt source ${this.topics.join(',')}: qos 0 subscriptions cannot be acknowledged; set qos 1`);
    const p = manual ? this.sessionProps(io.delivery!.sessionId) : this.props;
    const opts = clientOptions(p, p.clientid);
    const client = connect(this.props.server as string, opts);
    this.client = client;
    const held = manual ? new HeldAcks(client) : undefined;
    if (manual) ctx.logger.info(`mqtt source ${this.topics.join(',')} keeps a persistent session as client ${String(opts.clientId)} for QoS 1/2 rules`);
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
      const meta = { topic, qos: packet.qos, messageId: packet.messageId };
      const d = held && packet.qos === 1 ? held.delivery(packet.messageId!, topic, payload.length, packet.dup) : undefined;
      if (!io.bytes(payload, meta, undefined, d)) this.paused = true;
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
        client.subscribe(this.topics, { qos: manual ? 1 : this.qos }, (err) => {
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

  /** Props for a persistent session: the user's client id or the engine's session id. */
  private sessionProps(sessionId: string): Record<string, unknown> {
    const p: Record<string, unknown> = { ...this.props, enableClientSession: true, clientid: (this.props.clientid as string) || sessionId };
    if (p.sessionExpiryIntervalSeconds === undefined) p.sessionExpiryIntervalSeconds = DEFAULT_SESSION_EXPIRY_S;
    return p;
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
