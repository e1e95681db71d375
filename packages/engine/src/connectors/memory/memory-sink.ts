import { ConfigError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { memoryBus } from './bus.js';
import { hasWildcard } from './topic-match.js';

export const memorySinkSchema: ConfigSchema = {
  topic: { type: 'string', required: true, description: 'topic to publish to; may be a {{...}} template, no wildcards' },
  rowkindField: { type: 'string', description: 'not supported yet' },
  keyField: { type: 'string', description: 'not supported yet' },
};

/** Publishes each result row to a memory topic, for rule pipelines. */
export class MemorySink implements Sink {
  readonly kind = 'tuple';
  private topic = '';

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(memorySinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.topic = p.topic as string;
    if (!this.topic.includes('{{') && hasWildcard(this.topic)) throw new ConfigError(`memory sink topic ${this.topic} must not contain wildcards`);
    if (p.rowkindField) throw new ConfigError('memory sink rowkindField (updatable tables) is not supported yet');
  }

  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const topic = typeof item.props.topic === 'string' ? item.props.topic : this.topic;
    const rows = item.rows ?? [];
    if (!rows.length) return;
    // one shallow copy per publish so later changes by the sender cannot leak to subscribers
    memoryBus.publish(topic, rows.map((r) => ({ ...r })));
  }

  close(_ctx?: StreamContext): void {}
}
