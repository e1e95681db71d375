// Load generator for the MQTT scenarios, run as its own process so its CPU is not the
// engine's: publishes sensor payloads to `pub` at a paced `rate` for `seconds`, counts what
// arrives on `sub`, waits until nothing more arrives, then prints one JSON line.
// Every 512th payload is stamped (`_t`, epoch ms with sub-ms precision, temperature 100 so
// it passes the filter) for latency. Usage: node mqtt-load.mjs '<json options>'
import mqtt from 'mqtt';
import { payloadSet, percentile, sensor } from './measure.mjs';

const o = JSON.parse(process.argv[2]);
const { url = 'mqtt://127.0.0.1:1883', pub, sub, rate, seconds, qos = 0, filtered = false } = o;
const STAMP_EVERY = 512;
const { buffers, objects } = payloadSet(1 << 14, sensor, 11);
const mask = buffers.length - 1;
const now = () => performance.timeOrigin + performance.now();

// a stuck broker or client must not hang the benchmark
setTimeout(() => {
  process.stderr.write(`mqtt load gave up after ${seconds + 60} s\n`);
  process.exit(2);
}, (seconds + 60) * 1000).unref();

const connect = (id) =>
  new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { clientId: `${id}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, reconnectPeriod: 0, clean: true, connectTimeout: 5000 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });

const subscriber = await connect('bench-sub');
const publisher = await connect('bench-pub');
let received = 0;
let lastAt = 0;
const lat = [];
subscriber.on('message', (_t, payload) => {
  received++;
  lastAt = performance.now();
  if (payload[2] === 0x5f || payload[3] === 0x5f) {
    const s = payload.toString();
    const m = /"_t":([0-9.]+)/.exec(s);
    if (m) lat.push(now() - Number(m[1]));
  }
});
await subscriber.subscribeAsync(sub, { qos });

let sent = 0;
let expected = 0;
const total = Math.round(rate * seconds);
const t0 = performance.now();
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sent < due) {
      let payload;
      if (sent % STAMP_EVERY === STAMP_EVERY - 1) {
        payload = Buffer.from(`{"_t":${now()},"temperature":100,"humidity":1}`);
        expected++;
      } else {
        payload = buffers[sent & mask];
        if (!filtered || objects[sent & mask].temperature > 50) expected++;
      }
      publisher.publish(pub, payload, { qos });
      sent++;
    }
    if (sent >= total) resolve();
    else setImmediate(tick);
  };
  tick();
});
const pubSeconds = (performance.now() - t0) / 1000;
// everything written? (QoS 0 publishes sit in the socket buffer until then)
const flushDeadline = performance.now() + 30_000;
while (publisher.stream.writableLength > 0 && performance.now() < flushDeadline) await new Promise((r) => setTimeout(r, 5));
const flushedSeconds = (performance.now() - t0) / 1000;

// settle: stop when nothing arrived for 800 ms, or all expected arrived
const deadline = performance.now() + 20_000;
lastAt = Math.max(lastAt, performance.now());
while (received < expected && performance.now() - lastAt < 800 && performance.now() < deadline) {
  await new Promise((r) => setTimeout(r, 50));
}
lat.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    rate,
    sent,
    expected,
    received,
    pubSeconds,
    flushedSeconds,
    achievedRate: sent / flushedSeconds,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
  }) + '\n',
);
await Promise.all([publisher.endAsync(), subscriber.endAsync()]);
process.exit(0);
