import type { ConfKind, PluginType } from '../api.js';
import type { KVStore } from '../store/kv.js';

/** One conf key as stored (`<kind>.<type>.<key>` in the `confKV` namespace), secrets included. */
export interface StoredConfKey {
  kind: ConfKind;
  type: string;
  key: string;
  props: Record<string, unknown>;
}

/** How a plugin was installed: enough for `/data/export` to install it again elsewhere. */
export interface StoredPlugin {
  type: PluginType;
  name: string;
  /** The URL it was installed from (credentials and query removed), or "" when unknown. */
  file: string;
  shellParas?: string[];
}

const KINDS: readonly ConfKind[] = ['sources', 'sinks', 'connections'];

/**
 * Every conf key kept in the store, unmasked, for exports (file defaults from etc/ are not
 * in the store and stay out, as eKuiper exports only "updatable" keys). The engine exposes it
 * as `exportConfKeys()`; the REST layer masks nothing here because the export must re-import.
 */
export function storedConfKeys(kv: KVStore): StoredConfKey[] {
  const out: StoredConfKey[] = [];
  for (const [full, raw] of kv.entries('confKV')) {
    const first = full.indexOf('.');
    const last = full.lastIndexOf('.');
    if (first < 0 || last <= first) continue;
    const kind = full.slice(0, first) as ConfKind;
    if (!KINDS.includes(kind)) continue;
    try {
      out.push({ kind, type: full.slice(first + 1, last), key: full.slice(last + 1), props: JSON.parse(raw) as Record<string, unknown> });
    } catch {
      // a corrupt value is skipped rather than failing the whole export
    }
  }
  return out;
}

/** Installed plugins from the plugin manager's records (`plugins` namespace). */
export function storedPlugins(kv: KVStore): StoredPlugin[] {
  const out: StoredPlugin[] = [];
  for (const [, raw] of kv.entries('plugins')) {
    try {
      const rec = JSON.parse(raw) as { type?: PluginType; name?: string; source?: string };
      if (rec.type && rec.name) out.push({ type: rec.type, name: rec.name, file: rec.source ?? '' });
    } catch {
      // skipped, as above
    }
  }
  return out;
}
