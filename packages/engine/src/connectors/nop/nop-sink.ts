import type { ConfigSchema, Sink, SinkItem, StreamContext } from '@oort/sdk';

export const nopSinkSchema: ConfigSchema = {
  log: { type: 'boolean', default: false, description: 'log each discarded item at debug level' },
};

/** Discards everything (benchmarks, rules kept only for their metrics). */
export class NopSink implements Sink {
  readonly kind = 'bytes';
  private log = false;
  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    this.log = props.log === true || props.log === 'true';
  }
  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }
  async collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    if (this.log) ctx.logger.debug(`nop sink discards ${item.payload?.byteLength ?? 0} bytes`);
  }
  close(_ctx?: StreamContext): void {}
}
