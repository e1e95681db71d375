import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { memoryBus } from './bus.js';

export const memorySourceSchema: ConfigSchema = {
  datasource: { type: 'string', required: true, description: 'topic filter; + matches one level, # the rest' },
  bufferLength: { type: 'integer', default: 1024, minimum: 1 },
};

/** Subscribes to a memory topic filter and hands the published rows to the rule. */
export class MemorySource implements Source {
  private topic = '';
  private unsubscribe: (() => void) | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(memorySourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.topic = p.datasource as string;
    if (this.topic.split('/').indexOf('#') >= 0 && !this.topic.endsWith('#')) throw new ConfigError(`invalid topic ${this.topic}: # must be the last level`);
  }

  connect(_ctx: StreamContext, io: SourceIO): void {
    this.unsubscribe = memoryBus.subscribe(this.topic, (topic, rows) => {
      io.tuple(rows.length === 1 ? rows[0]! : rows, { topic });
    });
    io.status('connected');
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
