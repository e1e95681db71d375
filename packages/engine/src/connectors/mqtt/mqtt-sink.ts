import { ConfigError, IOError, validateConfig, type ConfigSchema, type ConnectionStatus, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { connect, type MqttClient } from 'mqtt';
import { backoff, clientOptions, MIN_RECONNECT_MS, mqttConnectionSchema } from './client-options.js';

/**
 * Default publishes outstanding at QoS 0 (each settles once written to the socket: halves the
 * CPU per result). At QoS 1/2 the default stays 1: with several PUBACKs outstanding, Mosquitto
 * (no TCP_NODELAY by default) answers them late, the sink is rarely idle, and a QoS 1 rule,
 * which acknowledges its input when its sinks are idle, went from 0.15 ms to 20 ms p50 latency
 * at 8 k msg/s for the same top rate. `maxInFlight` overrides it.
 */
export const MQTT_SINK_IN_FLIGHT = 64;

export const mqttSinkSchema: ConfigSchema = {
  ...mqttConnectionSchema,
  topic: { type: 'string', required: true, description: 'topic to publish to; may be a {{...}} template' },
  qos: { type: 'integer', default: 0, enum: [0, 1, 2] },
  retained: { type: 'boolean', default: false },
  clientId: { type: 'string', description: 'client id; a random one by default' },
  maxInFlight: { type: 'integer', minimum: 1, maximum: 65535, description: `publishes outstanding at once (default ${MQTT_SINK_IN_FLIGHT} at QoS 0, 1 at QoS 1/2)` },
};

/**
 * Publishes each encoded result to an MQTT topic. `collect` resolves once the broker has
 * acknowledged per QoS (written to the socket for QoS 0) and throws IOError while the
 * client is disconnected. Several publishes may be outstanding (`maxInFlight`).
 */
export class MqttSink implements Sink {
  readonly kind = 'bytes';
  /**
   * Publishes the sink node keeps outstanding (the sdk's Sink.maxInFlight);
   * mqtt.js keeps the packets in order on the connection, and the node resends from the first
   * failed one. Set by `provision` from the `maxInFlight` property.
   */
  maxInFlight = 1;
  private props: Record<string, unknown> = {};
  private client: MqttClient | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(mqttSinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.props = p;
    this.maxInFlight = typeof p.maxInFlight === 'number' ? p.maxInFlight : Number(p.qos) > 0 ? 1 : MQTT_SINK_IN_FLIGHT;
    clientOptions(p, 'check'); // protocol version and TLS files are checked before connecting
  }

  async connect(ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    const opts = clientOptions(this.props, this.props.clientId ?? this.props.clientid);
    const client = connect(this.props.server as string, opts);
    this.client = client;
    status('connecting');
    client.on('reconnect', () => status('connecting'));
    client.on('offline', () => {
      backoff(client.options);
      status('disconnected');
    });
    client.on('error', (e) => ctx.logger.warn(`mqtt sink ${this.props.server}: ${e.message}`));
    const first = new Promise<void>((resolve) => {
      client.on('connect', () => {
        client.options.reconnectPeriod = MIN_RECONNECT_MS;
        status('connected');
        resolve();
      });
    });
    const timeout = (this.props.connectTimeout as number) || 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise<void>((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    if (!client.connected) status('disconnected', `cannot connect to ${this.props.server}`);
  }

  collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const c = this.client;
    if (!c || !c.connected) return Promise.reject(new IOError(`mqtt sink is not connected to ${this.props.server}`));
    const topic = typeof item.props.topic === 'string' ? item.props.topic : (this.props.topic as string);
    const qos = Number(item.props.qos ?? this.props.qos) as 0 | 1 | 2;
    const retain = item.props.retained === true || item.props.retained === 'true' || this.props.retained === true;
    const payload = Buffer.from(item.payload?.buffer ?? new ArrayBuffer(0), item.payload?.byteOffset, item.payload?.byteLength);
    return new Promise((resolve, reject) => {
      c.publish(topic, payload, { qos, retain }, (err) => {
        if (err) reject(new IOError(`mqtt publish to ${topic} failed: ${err.message}`));
        else resolve();
      });
    });
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync();
  }
}
