// Publishes one sensor payload per second to each of `count` topics `<prefix><i>`, spread
// evenly over the second, until killed. Runs as its own process so its CPU is not the
// engine's. Usage: node mqtt-ticker.mjs '<json {prefix, count, qos}>'
import mqtt from 'mqtt';

const { prefix, count, qos = 0, url = 'mqtt://127.0.0.1:1883' } = JSON.parse(process.argv[2]);
const client = await mqtt.connectAsync(url, { clientId: `bench-ticker-${process.pid}`, reconnectPeriod: 1000 });
const payload = Buffer.from('{"temperature":60,"humidity":40}');
const perTick = Math.ceil(count / 100);
let next = 0;
let sent = 0;
setInterval(() => {
  for (let k = 0; k < perTick; k++) {
    client.publish(prefix + next, payload, { qos });
    sent++;
    if (++next === count) next = 0;
  }
}, 10);
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ sent }) + '\n');
  process.exit(0);
});
process.stdout.write('ready\n');
