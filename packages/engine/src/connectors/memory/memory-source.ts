import { ConfigError, validateConfig, type ConfigSchema, type Row, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { memoryBus, type MemoryTable } from './bus.js';

export const memorySourceSchema: ConfigSchema = {
  datasource: { type: 'string', required: true, description: 'topic filter; + matches one level, # the rest' },
  key: { type: 'string', description: 'lookup tables: the key field (the table KEY option)' },
  bufferLength: { type: 'integer', default: 1024, minimum: 1 },
};

/**
 * Subscribes to a memory topic filter and hands the published rows to the rule. As a
 * lookup table (`key` set) it answers `lookup` from the rows accumulated on the topic,
 * which updatable memory sinks can insert, update and delete.
 */
export class MemorySource implements Source {
  private topic = '';
  private key: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private table: { table: MemoryTable; release: () => void } | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(memorySourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.topic = p.datasource as string;
    this.key = typeof p.key === 'string' && p.key ? p.key : undefined;
    if (this.topic.split('/').indexOf('#') >= 0 && !this.topic.endsWith('#')) throw new ConfigError(`invalid topic ${this.topic}: # must be the last level`);
    // a lookup table starts collecting its topic now, not at its first lookup
    if (this.key && !this.table) this.table = memoryBus.acquireTable(this.topic, this.key);
  }

  connect(_ctx: StreamContext, io: SourceIO): void {
    if (this.key && !this.table) this.table = memoryBus.acquireTable(this.topic, this.key);
    this.unsubscribe = memoryBus.subscribe(this.topic, (topic, rows) => {
      io.tuple(rows.length === 1 ? rows[0]! : rows, { topic });
    });
    io.status('connected');
  }

  async lookup(_ctx: StreamContext, _fields: string[], keys: string[], values: unknown[]): Promise<Row[]> {
    if (!this.key) throw new ConfigError('memory lookup table needs a KEY');
    this.table ??= memoryBus.acquireTable(this.topic, this.key);
    return this.table.table.lookup(keys, values);
  }

  close(_ctx?: StreamContext): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.table?.release();
    this.table = undefined;
  }
}
