import type { Row, Sink, SinkItem } from '@oort/sdk';

/** Records every emission of a rule test run as a list of rows. */
export class CaptureSink implements Sink {
  readonly kind = 'tuple';
  constructor(private readonly emissions: Row[][]) {}
  provision(): void {}
  connect(): void {}
  async collect(_ctx: unknown, item: SinkItem): Promise<void> {
    this.emissions.push(item.rows ?? []);
  }
  close(): void {}
}
