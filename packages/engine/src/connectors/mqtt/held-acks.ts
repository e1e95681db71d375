import type { Delivery } from '@oort/sdk';
import type { MqttClient } from 'mqtt';

interface Held {
  acked: boolean;
  packet?: unknown;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/**
 * Sends the PUBACK of a QoS 1 message only when the engine acknowledges it.
 *
 * mqtt.js sends the PUBACK from the callback of `handleMessage` and only then parses the
 * next packet, so delaying that callback would stall the connection until a checkpoint.
 * Instead the PUBACK packet itself is held: `_sendPacket` is wrapped so that a PUBACK of a
 * message not acknowledged yet is kept and its completion callback called at once (the
 * next packets flow), and it is written when `ack` comes. An ack for a message of an earlier
 * connection is dropped: the broker redelivers that message, and its packet id may already
 * name another one.
 */
export class HeldAcks {
  private held = new Map<number, Held>();
  private generation = 0;
  private readonly send: SendPacket;

  constructor(private readonly client: MqttClient) {
    const c = client as unknown as { _sendPacket: SendPacket };
    const send = c._sendPacket.bind(client) as SendPacket;
    this.send = send;
    c._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined) {
        const h = this.held.get(packet.messageId);
        if (h && !h.acked) {
          h.packet = packet;
          cb?.();
          return;
        }
        this.held.delete(packet.messageId);
      }
      send(packet, cb, ...rest);
    };
    // a new connection: earlier packet ids mean nothing any more
    client.on('connect', () => this.reset());
    client.on('close', () => this.reset());
  }

  private reset(): void {
    this.generation++;
    this.held = new Map();
  }

  /** Messages received and not acknowledged yet. */
  get size(): number {
    return this.held.size;
  }

  /** The engine's handle on one QoS 1 message, created when it arrives. */
  delivery(messageId: number, topic: string, length: number, dup: boolean): Delivery {
    const gen = this.generation;
    const h: Held = { acked: false };
    this.held.set(messageId, h);
    return {
      id: `${topic}|${messageId}|${length}`,
      redelivered: dup,
      ack: () => {
        if (gen !== this.generation || this.held.get(messageId) !== h) return;
        if (h.packet) {
          this.held.delete(messageId);
          if (this.client.connected) this.send(h.packet as { cmd: string });
        } else h.acked = true;
      },
    };
  }
}
