import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { Delivery, DeliveryRequest, Meta } from '@oort/sdk';
import { createTestContext, RecordingIO, waitFor } from '@oort/sdk/testing';
import { connectAsync, type MqttClient } from 'mqtt';
import { MqttSource } from './mqtt-source.js';

const SERVER = 'tcp://127.0.0.1:1883';

/** An engine stand-in that asks for acknowledgements and keeps each message's Delivery. */
class AckingIO extends RecordingIO {
  readonly deliveries: (Delivery | undefined)[] = [];
  readonly delivery: DeliveryRequest;
  constructor(sessionId: string) {
    super();
    this.delivery = { acknowledged: true, sessionId };
  }
  override bytes(payload: Uint8Array, meta?: Meta, ts?: number, d?: Delivery | (() => void)): boolean {
    this.deliveries.push(typeof d === 'function' ? { ack: d } : d);
    return super.bytes(payload, meta, ts);
  }
}

let helper: MqttClient | undefined;
async function publish(topic: string, msgs: string[]): Promise<void> {
  helper ??= await connectAsync(SERVER);
  for (const m of msgs) await helper.publishAsync(topic, m, { qos: 1 });
}
after(async () => {
  await helper?.endAsync();
});

async function start(topic: string, io: RecordingIO, props: Record<string, unknown> = {}): Promise<() => Promise<void>> {
  const ctx = createTestContext();
  const src = new MqttSource();
  src.provision(ctx, { server: SERVER, datasource: topic, qos: 1, ...props });
  await src.connect(ctx, io);
  return () => src.close(ctx);
}

const text = (io: RecordingIO) => io.received.map((r) => Buffer.from((r as { payload: Uint8Array }).payload).toString());

describe('mqtt source with acknowledgements (rules at QoS 1/2)', () => {
  it('hands each QoS 1 message to the engine with a delivery naming topic, packet id and size', async () => {
    const topic = `oort_test/acks/${randomUUID()}`;
    const io = new AckingIO(`oort_t_${randomUUID().slice(0, 8)}`);
    const close = await start(topic, io);
    await publish(topic, ['a']);
    await waitFor(() => io.received.length === 1, 5000, 'one message');
    const d = io.deliveries[0]!;
    assert.match(d.id!, new RegExp(`^${topic}\\|\\d+\\|1$`));
    assert.equal(d.redelivered, false);
    d.ack();
    await close();
  });

  it('gets unacknowledged messages again after a reconnect, marked as redelivered, and not acknowledged ones never', async () => {
    const topic = `oort_test/acks/${randomUUID()}`;
    const session = `oort_t_${randomUUID().slice(0, 8)}`;
    const io1 = new AckingIO(session);
    const close1 = await start(topic, io1);
    await publish(topic, ['m1', 'm2', 'm3']);
    await waitFor(() => io1.received.length === 3, 5000, 'three messages');
    // the rule covered m1 and m3 only
    io1.deliveries[0]!.ack();
    io1.deliveries[2]!.ack();
    await new Promise((r) => setTimeout(r, 100));
    await close1();
    const io2 = new AckingIO(session);
    const close2 = await start(topic, io2);
    await waitFor(() => io2.received.length >= 1, 5000, 'the redelivery');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(text(io2), ['m2']);
    assert.equal(io2.deliveries[0]!.redelivered, true);
    assert.equal(io2.deliveries[0]!.id, io1.deliveries[1]!.id, 'the same identity for the same message');
    io2.deliveries[0]!.ack();
    await new Promise((r) => setTimeout(r, 100));
    await close2();
    const io3 = new AckingIO(session);
    const close3 = await start(topic, io3);
    await publish(topic, ['m4']);
    await waitFor(() => io3.received.length >= 1, 5000, 'a new message');
    assert.deepEqual(text(io3), ['m4']);
    io3.deliveries[0]!.ack();
    await close3();
  });

  it('keeps receiving while earlier messages wait for their acknowledgement', async () => {
    const topic = `oort_test/acks/${randomUUID()}`;
    const io = new AckingIO(`oort_t_${randomUUID().slice(0, 8)}`);
    const close = await start(topic, io);
    // more than Mosquitto's default of 20 messages in flight would stall if acks were needed
    // to read on; the broker's window still applies, so acknowledge the first half later
    const msgs = Array.from({ length: 15 }, (_, i) => `x${i}`);
    await publish(topic, msgs);
    await waitFor(() => io.received.length === 15, 5000, 'all messages before any ack');
    for (const d of io.deliveries) d!.ack();
    await close();
  });

  it('acknowledges on receipt as before when the engine does not ask for it', async () => {
    const topic = `oort_test/acks/${randomUUID()}`;
    const io = new RecordingIO();
    const session = { clientid: `oort_t_${randomUUID().slice(0, 8)}`, enableClientSession: true };
    const close = await start(topic, io, session);
    await publish(topic, ['a']);
    await waitFor(() => io.received.length === 1, 5000, 'one message');
    await close();
    const io2 = new RecordingIO();
    const close2 = await start(topic, io2, session);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(io2.received.length, 0);
    await close2();
  });
});
