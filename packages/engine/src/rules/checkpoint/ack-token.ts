import type { Delivery } from '@oort/sdk';

/**
 * One acknowledgeable message on its way through the rules that read its stream. The
 * source node holds it while it fans the message out; each rule at QoS 1/2 holds it until
 * it has covered the message. When the last hold is released the source acknowledges it,
 * unless some holder gave up (`fail`): then it is never acknowledged and the upstream
 * delivers it again after a reconnect.
 */
export class AckToken {
  private holds = 1;
  private failed = false;

  constructor(private readonly delivery: Delivery) {}

  /** From a source's `Delivery` or bare ack function. */
  static of(d: Delivery | (() => void)): AckToken {
    return new AckToken(typeof d === 'function' ? { ack: d } : d);
  }

  get id(): string | undefined {
    return this.delivery.id;
  }

  get redelivered(): boolean | undefined {
    return this.delivery.redelivered;
  }

  /** Whether the acknowledgement was sent (for tests and metrics). */
  get acked(): boolean {
    return this.holds === 0 && !this.failed;
  }

  hold(): void {
    this.holds++;
  }

  /** Releases one hold; the last one acknowledges. */
  done(): void {
    if (this.holds <= 0) return;
    if (--this.holds === 0 && !this.failed) this.delivery.ack();
  }

  /** Releases one hold and makes sure the message is never acknowledged. */
  fail(): void {
    this.failed = true;
    this.done();
  }
}
