import { ConfigError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { memoryBus, type RowKind } from './bus.js';
import { hasWildcard } from './topic-match.js';

export const memorySinkSchema: ConfigSchema = {
  topic: { type: 'string', required: true, description: 'topic to publish to; may be a {{...}} template, no wildcards' },
  rowkindField: { type: 'string', description: 'field holding insert/update/upsert/delete for memory lookup tables' },
  keyField: { type: 'string', description: 'key field; required with rowkindField' },
};

const KINDS = new Set(['insert', 'update', 'upsert', 'delete']);

/** Publishes each result row to a memory topic, for rule pipelines and memory lookup tables. */
export class MemorySink implements Sink {
  readonly kind = 'tuple';
  private topic = '';
  private rowkindField: string | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(memorySinkSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.topic = p.topic as string;
    if (!this.topic.includes('{{') && hasWildcard(this.topic)) throw new ConfigError(`memory sink topic ${this.topic} must not contain wildcards`);
    this.rowkindField = typeof p.rowkindField === 'string' && p.rowkindField ? p.rowkindField : undefined;
    if (this.rowkindField && !p.keyField) throw new ConfigError('property keyField is required when rowkindField is set');
  }

  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const topic = typeof item.props.topic === 'string' ? item.props.topic : this.topic;
    const rows = item.rows ?? [];
    if (!rows.length) return;
    // one shallow copy per publish so later changes by the sender cannot leak to subscribers
    const copies = rows.map((r) => ({ ...r }));
    let kinds: RowKind[] | undefined;
    if (this.rowkindField) {
      const f = this.rowkindField;
      kinds = rows.map((r) => {
        const k = r[f] === undefined || r[f] === null ? 'upsert' : String(r[f]).toLowerCase();
        if (!KINDS.has(k)) throw new Error(`invalid rowkind ${k}`);
        return k as RowKind;
      });
    }
    memoryBus.publish(topic, copies, kinds);
  }

  close(_ctx?: StreamContext): void {}
}
