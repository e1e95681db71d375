import type { Clock, ConnectorDef, Logger, Source, StreamContext } from '@oort/sdk';
import { validateConfig } from '@oort/sdk';
import { oortError } from '../errors.js';
import type { StreamDef } from '../catalog/stream-def.js';
import type { ConfKeys } from '../catalog/conf-keys.js';
import { getCodec } from '../formats/index.js';
import { SourceNode, type Decoder } from './nodes/source-node.js';
import { createStreamContext } from './context.js';

export interface SourcePoolEnv {
  clock: Clock;
  logger: Logger;
  confKeys: ConfKeys;
  resolveSource(type: string): ConnectorDef<Source> | undefined;
  /** Global properties every source sees (e.g. the shared HTTP push server address). */
  globalProps: Record<string, unknown>;
  /** Defaults per connector type from the server configuration (e.g. the MQTT broker address). */
  typeDefaults: Record<string, Record<string, unknown>>;
  /** Keeps this server's persistent upstream sessions apart from another's (the data folder). */
  sessionScope?: string;
}

interface Entry {
  node: SourceNode;
  refs: number;
  ready: Promise<void>;
}

/**
 * Running sources, one per stream definition, shared by all rules reading that stream.
 * A replaced stream definition gets a new source; rules still on the old one keep it until
 * they restart.
 */
export class SourcePool {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly env: SourcePoolEnv) {}

  /** The properties a stream's connector gets (conf key, EXTRA, then engine keys). */
  sourceProps(def: StreamDef): Record<string, unknown> {
    const o = def.options;
    let extra: Record<string, unknown> | undefined;
    if (o.EXTRA) {
      try {
        extra = JSON.parse(o.EXTRA) as Record<string, unknown>;
      } catch {
        throw oortError('STREAM', `EXTRA of stream ${def.name} is not valid JSON`);
      }
    }
    const props: Record<string, unknown> = {
      ...this.env.globalProps,
      ...this.env.typeDefaults[def.type],
      ...this.env.confKeys.sourceProps(def.type, o.CONF_KEY, extra),
    };
    props.datasource = def.datasource;
    props.format = def.format;
    if (o.KEY) props.key = o.KEY;
    if (o.DELIMITER) props.delimiter = o.DELIMITER;
    if (o.RETAIN_SIZE) props.retainSize = Number(o.RETAIN_SIZE);
    if (o.TIMESTAMP) props.timestamp = o.TIMESTAMP;
    if (o.TIMESTAMP_FORMAT) props.timestampFormat = o.TIMESTAMP_FORMAT;
    if (o.STRICT_VALIDATION) props.strictValidation = o.STRICT_VALIDATION.toLowerCase() === 'true';
    return props;
  }

  /** Checks that the stream's connector and format exist and its properties validate. */
  validate(def: StreamDef): void {
    const conn = this.env.resolveSource(def.type);
    if (!conn) throw oortError('PLAN', `source type ${def.type} of stream ${def.name} is not found (install a plugin providing it)`);
    this.decoderFor(def, this.sourceProps(def));
    if (conn.schema) {
      const { issues } = validateConfig(conn.schema, this.sourceProps(def));
      if (issues.length) throw oortError('PLAN', `stream ${def.name}: ${issues.map((i) => i.message).join('; ')}`);
    }
  }

  async acquire(def: StreamDef): Promise<SourceNode> {
    const key = `${def.name}\u0000${def.statement}`;
    let e = this.entries.get(key);
    if (!e) {
      const conn = this.env.resolveSource(def.type);
      if (!conn) throw oortError('PLAN', `source type ${def.type} of stream ${def.name} is not found`);
      let props = this.sourceProps(def);
      if (conn.schema) {
        const v = validateConfig(conn.schema, props);
        if (v.issues.length) throw oortError('PLAN', `stream ${def.name}: ${v.issues.map((i) => i.message).join('; ')}`);
        props = v.props;
      }
      const ctx = createStreamContext({
        ruleId: '',
        opId: `source_${def.name}`,
        logger: this.env.logger,
        clock: this.env.clock,
        signal: new AbortController().signal,
      });
      const node = new SourceNode(def.name, conn.create(), ctx, this.decoderFor(def, props), props, this.env.sessionScope);
      const entry: Entry = { node, refs: 0, ready: node.open() };
      e = entry;
      this.entries.set(key, entry);
      entry.ready.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    e.refs++;
    try {
      await e.ready;
    } catch (err) {
      e.refs--;
      throw oortError('PLAN', `cannot open source of stream ${def.name}: ${(err as Error).message}`, err);
    }
    return e.node;
  }

  /**
   * A lookup table's source, for one rule: provisioned but never subscribed (it answers
   * `lookup` calls; connecting would start polling, as a SQL source does).
   */
  async openLookup(def: StreamDef, ruleId: string): Promise<{ source: Source; ctx: StreamContext }> {
    const conn = this.env.resolveSource(def.type);
    if (!conn) throw oortError('PLAN', `source type ${def.type} of table ${def.name} is not found (install a plugin providing it)`);
    const source = conn.create();
    if (typeof source.lookup !== 'function') throw oortError('PLAN', `source type ${def.type} of table ${def.name} cannot serve lookups`);
    let props = this.sourceProps(def);
    if (conn.schema) props = validateConfig(conn.schema, props).props;
    const ctx = createStreamContext({ ruleId, opId: `lookup_${def.name}`, logger: this.env.logger, clock: this.env.clock, signal: new AbortController().signal });
    await source.provision(ctx, props);
    return { source, ctx };
  }

  async release(node: SourceNode): Promise<void> {
    for (const [key, e] of this.entries) {
      if (e.node !== node) continue;
      if (--e.refs <= 0) {
        this.entries.delete(key);
        await node.close();
      }
      return;
    }
  }

  async closeAll(): Promise<void> {
    const nodes = [...this.entries.values()].map((e) => e.node);
    this.entries.clear();
    await Promise.all(nodes.map((n) => n.close()));
  }

  private decoderFor(def: StreamDef, props: Record<string, unknown>): Decoder | undefined {
    if (def.format === 'binary' && !def.fields) return undefined;
    try {
      return getCodec(def.format, {
        schema: def.fields ?? undefined,
        delimiter: (props.delimiter as string | undefined) ?? undefined,
        fields: Array.isArray(props.fields) ? (props.fields as string[]) : undefined,
        hasHeader: props.hasHeader === true,
        useInt64ForWholeNumber: props.useInt64ForWholeNumber === true,
      });
    } catch (e) {
      throw oortError('STREAM', (e as Error).message, e);
    }
  }
}
