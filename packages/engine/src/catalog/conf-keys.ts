import { oortError } from '../errors.js';
import type { ConfKind } from '../api.js';
import type { KVStore } from '../store/kv.js';
import { maskDeep, restoreMasked } from './secrets.js';

const NS = 'confKV';

/**
 * Named connection configurations ("conf keys"), as eKuiper keeps them: file defaults
 * from `etc/sources/<type>.yaml` (read-only) overlaid by keys managed through
 * `/metadata/.../confKeys` (stored in the KV store).
 */
export class ConfKeys {
  constructor(
    private readonly kv: KVStore,
    private readonly fileDefaults: Record<string, Record<string, Record<string, unknown>>> = {},
    /** Conf keys shipped in a plugin's `<name>.yaml`, read when asked so updates show. */
    private readonly pluginDefaults?: (type: string) => Record<string, Record<string, unknown>> | undefined,
  ) {}

  list(kind: ConfKind, type: string): Record<string, Record<string, unknown>> {
    type = type.toLowerCase();
    const out: Record<string, Record<string, unknown>> = {};
    if (kind === 'sources') {
      for (const [k, v] of Object.entries(this.pluginDefaults?.(type) ?? {})) out[k] = { ...v };
      for (const [k, v] of Object.entries(this.fileDefaults[type] ?? {})) out[k] = { ...v };
    }
    const prefix = `${kind}.${type}.`;
    for (const [key, raw] of this.kv.entries(NS)) {
      if (key.startsWith(prefix)) out[key.slice(prefix.length)] = JSON.parse(raw) as Record<string, unknown>;
    }
    return out;
  }

  /** The same as {@link list} with secrets masked, for GET responses and exports. */
  listMasked(kind: ConfKind, type: string): Record<string, Record<string, unknown>> {
    return maskDeep(this.list(kind, type));
  }

  put(kind: ConfKind, type: string, key: string, props: Record<string, unknown>): void {
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw oortError('CONF_KEY', 'the body must be a JSON object of properties');
    }
    // a client that read masked props and sends them back keeps the stored secrets
    const stored = this.list(kind, type)[key];
    this.kv.set(NS, `${kind}.${type.toLowerCase()}.${key}`, JSON.stringify(stored ? restoreMasked(props, stored) : props));
  }

  delete(kind: ConfKind, type: string, key: string): void {
    if (!this.kv.delete(NS, `${kind}.${type.toLowerCase()}.${key}`)) {
      throw oortError('NOT_FOUND', `${kind.slice(0, -1)} ${type} conf key ${key} is not found`);
    }
  }

  /**
   * Effective source properties: `default` section, then the CONF_KEY section (KV keys
   * win over file ones), then `extra`.
   */
  sourceProps(type: string, confKey: string | undefined, extra?: Record<string, unknown>): Record<string, unknown> {
    const all = this.list('sources', type);
    const base = { ...(all.default ?? {}) };
    if (confKey) {
      const section = all[confKey] ?? all[confKey.toLowerCase()];
      if (!section) throw oortError('CONF_KEY', `conf key ${confKey} of source ${type} is not found`);
      Object.assign(base, section);
    }
    return extra ? Object.assign(base, extra) : base;
  }

  /** Properties of a sink action with its `resourceId`/`connectionSelector` applied. */
  sinkProps(type: string, action: Record<string, unknown>): Record<string, unknown> {
    const ref = (action.resourceId ?? action.connectionSelector) as string | undefined;
    if (!ref) return action;
    const sinks = this.list('sinks', type)[ref] ?? this.list('connections', type)[ref];
    if (!sinks) throw oortError('CONF_KEY', `conf key ${ref} of sink ${type} is not found`);
    return { ...sinks, ...action };
  }
}
