import type { ConfKind, EngineApi } from '@oort/engine';

/** One stored conf key: `<kind>.<type>.<key>` → props. */
export interface ConfEntry {
  kind: ConfKind;
  type: string;
  key: string;
  props: Record<string, unknown>;
}

/**
 * What the engine should offer for exports: every conf key kept in the store (file defaults
 * from etc/ excluded), secrets NOT masked. Until it does, {@link allConfKeys} falls back to
 * the masked per-type listing, so exported secrets read `******`.
 */
interface ConfKeyExporter {
  exportConfKeys(): ConfEntry[];
}

function hasExporter(e: EngineApi): e is EngineApi & ConfKeyExporter {
  return typeof (e as Partial<ConfKeyExporter>).exportConfKeys === 'function';
}

/** Whether exports carry real secrets (false: they carry `******`). */
export function exportsSecrets(engine: EngineApi): boolean {
  return hasExporter(engine);
}

/** Every connector type name the engine knows (built-in and plugins, sources and sinks) plus stream types. */
export function connectorTypes(engine: EngineApi): string[] {
  const types = new Set<string>();
  for (const c of engine.listConnectors('sources')) types.add(c.name);
  for (const c of engine.listConnectors('sources', true)) types.add(c.name);
  for (const c of engine.listConnectors('sinks')) types.add(c.name);
  for (const kind of ['stream', 'table'] as const) for (const d of engine.streamDetails(kind)) if (d.type) types.add(d.type);
  return [...types].sort();
}

/** All conf keys of the given kinds, sorted by kind, type and key. */
export function allConfKeys(engine: EngineApi, kinds: readonly ConfKind[] = ['sources', 'sinks', 'connections']): ConfEntry[] {
  if (hasExporter(engine)) return engine.exportConfKeys().filter((e) => kinds.includes(e.kind));
  const out: ConfEntry[] = [];
  const types = connectorTypes(engine);
  for (const kind of kinds) {
    for (const type of types) {
      let keys: Record<string, Record<string, unknown>>;
      try {
        keys = engine.listConfKeys(kind, type);
      } catch {
        continue;
      }
      for (const [key, props] of Object.entries(keys)) out.push({ kind, type, key, props });
    }
  }
  return out;
}
