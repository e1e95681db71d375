import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigSchema } from '@oort/sdk';
import type { IClientOptions } from 'mqtt';

/** Connection properties shared by the MQTT source and sink (eKuiper names). */
export const mqttConnectionSchema: ConfigSchema = {
  server: { type: 'string', default: 'tcp://127.0.0.1:1883', description: 'broker URL: tcp://, ssl://, ws://, wss://' },
  username: { type: 'string' },
  password: { type: 'string', secret: true },
  protocolVersion: { type: 'any', default: '3.1.1', description: '3.1, 3.1.1 or 5' },
  certificationPath: { type: 'string', description: 'client certificate file (TLS)' },
  privateKeyPath: { type: 'string', description: 'client key file (TLS)' },
  rootCaPath: { type: 'string', description: 'CA file (TLS)' },
  insecureSkipVerify: { type: 'boolean', default: false },
  connectTimeout: { type: 'duration', default: 5000, description: 'how long connect waits for the broker before reporting disconnected' },
  enableClientSession: { type: 'boolean', default: false, description: 'persistent session (clean start off): with a fixed client id, QoS 1/2 messages published while disconnected are delivered on reconnect' },
  sessionExpiryIntervalSeconds: { type: 'integer', description: 'MQTT 5: how long the broker keeps the session after a disconnect' },
};

export const MIN_RECONNECT_MS = 1000;
export const MAX_RECONNECT_MS = 30000;

function readTls(path: unknown, what: string): Buffer | undefined {
  if (typeof path !== 'string' || !path) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** mqtt.js options from validated props; `clientId` is the prop's value or a fresh id. */
export function clientOptions(p: Record<string, unknown>, clientId: unknown): IClientOptions {
  const v = String(p.protocolVersion ?? '3.1.1');
  if (!['3.1', '3.1.1', '5', '3', '4'].includes(v)) throw new ConfigError(`property protocolVersion must be one of 3.1, 3.1.1, 5`);
  const opts: IClientOptions = {
    clientId: typeof clientId === 'string' && clientId ? clientId : `oort_${randomUUID().slice(0, 8)}`,
    protocolVersion: v === '5' ? 5 : v === '3.1' || v === '3' ? 3 : 4,
    reconnectPeriod: MIN_RECONNECT_MS,
    connectTimeout: (p.connectTimeout as number) || 5000,
    // a persistent session needs a stable client id, or the broker cannot find it again
    clean: !(p.enableClientSession === true && typeof clientId === 'string' && clientId !== ''),
  };
  if (v === '5' && typeof p.sessionExpiryIntervalSeconds === 'number') {
    opts.properties = { ...opts.properties, sessionExpiryInterval: p.sessionExpiryIntervalSeconds };
  }
  if (v === '3.1' || v === '3') opts.protocolId = 'MQIsdp';
  if (typeof p.username === 'string' && p.username) opts.username = p.username;
  if (typeof p.password === 'string' && p.password) opts.password = p.password;
  const cert = readTls(p.certificationPath, 'certificate');
  const key = readTls(p.privateKeyPath, 'private key');
  const ca = readTls(p.rootCaPath, 'root CA');
  if (cert) opts.cert = cert;
  if (key) opts.key = key;
  if (ca) opts.ca = ca;
  if (p.insecureSkipVerify === true) opts.rejectUnauthorized = false;
  return opts;
}

/** Doubles the reconnect delay after each failed attempt, up to MAX_RECONNECT_MS. */
export function backoff(options: IClientOptions): void {
  options.reconnectPeriod = Math.min(MAX_RECONNECT_MS, Math.max(MIN_RECONNECT_MS, (options.reconnectPeriod ?? MIN_RECONNECT_MS) * 2));
}
