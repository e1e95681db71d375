import { toJSON, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';

export const logSinkSchema: ConfigSchema = {};

/** Writes each result to the rule's log at info level. */
export class LogSink implements Sink {
  readonly kind = 'tuple';
  provision(): void {}
  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }
  async collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    const rows = item.rows ?? [];
    ctx.logger.info(`sink result for rule ${ctx.ruleId}: ${toJSON(rows.length === 1 ? rows[0] : rows)}`);
  }
  close(_ctx?: StreamContext): void {}
}
