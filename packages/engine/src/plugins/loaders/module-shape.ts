import type { ConnectorDef, FunctionDef, PluginModule, Sink, Source } from '@oort/sdk';

/**
 * Finds the PluginModule in an imported module namespace: the default export, or named
 * exports `sources`, `sinks`, `functions`. Returns an error message when neither fits.
 */
export function pluginModuleOf(ns: Record<string, unknown>): PluginModule | string {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  const d = ns.default;
  if (isObj(d) && ('sources' in d || 'sinks' in d || 'functions' in d)) return d as PluginModule;
  if ('sources' in ns || 'sinks' in ns || 'functions' in ns) {
    return { sources: ns.sources, sinks: ns.sinks, functions: ns.functions } as PluginModule;
  }
  return 'the module exports no PluginModule (a default export or named exports sources/sinks/functions)';
}

/** Looks a symbol up exactly, then ignoring case (eKuiper exports `Mysql` for plugin `mysql`). */
export function findSymbol<T>(table: Record<string, T> | undefined, name: string): T | undefined {
  if (!table || typeof table !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(table, name)) return table[name];
  const lower = name.toLowerCase();
  const key = Object.keys(table).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : table[key];
}

export interface Declared {
  sources: string[];
  sinks: string[];
  functions: string[];
}

export interface ResolvedSymbols {
  sources: Map<string, ConnectorDef<Source>>;
  sinks: Map<string, ConnectorDef<Sink>>;
  functions: Map<string, FunctionDef>;
}

/** Checks that the module provides every declared symbol with the right shape. */
export function resolveDeclared(mod: PluginModule, declared: Declared): ResolvedSymbols | string {
  const out: ResolvedSymbols = { sources: new Map(), sinks: new Map(), functions: new Map() };
  const problems: string[] = [];
  for (const s of declared.sources) {
    const def = findSymbol(mod.sources, s);
    if (typeof def?.create !== 'function') problems.push(`source ${s} (needs { create() })`);
    else out.sources.set(s, def);
  }
  for (const s of declared.sinks) {
    const def = findSymbol(mod.sinks, s);
    if (typeof def?.create !== 'function') problems.push(`sink ${s} (needs { create() })`);
    else out.sinks.set(s, def);
  }
  for (const s of declared.functions) {
    const def = findSymbol(mod.functions, s);
    if (typeof def?.exec !== 'function') problems.push(`function ${s} (needs { type, exec() })`);
    else out.functions.set(s, def);
  }
  return problems.length ? `the module does not export the declared ${problems.join(', ')}` : out;
}
