import type { Row } from '@oort/sdk';
import type { FieldRef, SelectField, Wildcard } from '../../sql/ast.js';
import type { EvalRow, Evaluator } from '../tuple.js';
import { getOwn, isInheritedName, jsonAccess } from './access.js';
import type { CompileScope, ScopeSource } from './scope.js';

/**
 * Column, metadata and wildcard reads. A single-source rule reads `row.data`; a rule with
 * several sources reads `row.parts[sourceName]` (and falls back to `row.data` for rows that
 * have no parts yet, e.g. a filter pushed below the join).
 */

export function findSource(scope: CompileScope, name: string): ScopeSource | undefined {
  return scope.sources.find((s) => s.name === name) ?? scope.sources.find((s) => s.alias === name);
}

export function isJoinScope(scope: CompileScope): boolean {
  return scope.sources.length > 1;
}

/** The stream eKuiper's analyzer binds unqualified columns to (single-source rules). */
export function defaultStreamOf(scope: CompileScope): string | undefined {
  return isJoinScope(scope) ? undefined : scope.sources[0]?.name;
}

function hasSchemaField(s: ScopeSource, name: string): boolean {
  return !!s.fields && s.fields.some((f) => f.name === name);
}

/** Reads column `name` of the row's data (single source). */
export function dataReader(name: string, ignoreCase: boolean): Evaluator {
  if (!ignoreCase && !isInheritedName(name)) return (row) => row.data[name];
  return (row) => getOwn(row.data, name, ignoreCase);
}

function partReader(source: string, name: string, ignoreCase: boolean): Evaluator {
  return (row) => {
    const parts = row.parts;
    if (parts === undefined) return getOwn(row.data, name, ignoreCase);
    const p = parts[source];
    return p === undefined ? null : getOwn(p.data, name, ignoreCase);
  };
}

function firstPartReader(keys: readonly string[], name: string, ignoreCase: boolean): Evaluator {
  return (row) => {
    const parts = row.parts;
    if (parts === undefined) return getOwn(row.data, name, ignoreCase);
    for (const k of keys) {
      const p = parts[k];
      if (p !== undefined && Object.hasOwn(p.data, name)) return p.data[name];
    }
    if (ignoreCase) {
      for (const k of keys) {
        const v = parts[k] && getOwn(parts[k]!.data, name, true);
        if (v !== undefined) return v;
      }
    }
    return null;
  };
}

/** Reads a column of `source` (or the default resolution when undefined). */
export function columnReader(scope: CompileScope, name: string, source?: ScopeSource): Evaluator {
  const ic = scope.ignoreCase ?? false;
  if (!isJoinScope(scope)) return dataReader(name, ic);
  if (source) return partReader(source.name, name, ic);
  const declared = scope.sources.find((s) => hasSchemaField(s, name));
  if (declared) return partReader(declared.name, name, ic);
  return firstPartReader(scope.sources.map((s) => s.name), name, ic);
}

/**
 * A FieldRef: `s.col` for a source `s`; `a.b` (a not a source) is `a->b`; an unqualified
 * name bound as a SELECT alias reads the alias (precomputed in `row.aliases`, else computed).
 */
export function compileFieldRef(e: FieldRef, scope: CompileScope): Evaluator {
  const ic = scope.ignoreCase ?? false;
  if (e.stream !== undefined) {
    const src = findSource(scope, e.stream);
    if (src) return columnReader(scope, e.name, src);
    const base = compileFieldRef({ kind: 'FieldRef', pos: e.pos, name: e.stream }, scope);
    const key = e.name;
    const same = columnReader(scope, key);
    return (row) => jsonAccess(base(row), key, ic, () => same(row));
  }
  const binding = scope.aliases?.get(e.name);
  if (binding) {
    const name = e.name;
    const ev = binding.evaluator ? binding.evaluator() : undefined;
    return (row) => {
      const a = row.aliases;
      if (a !== undefined) {
        const v = a[name];
        if (v !== undefined || Object.hasOwn(a, name)) return v;
      }
      return ev === undefined ? null : ev(row);
    };
  }
  return columnReader(scope, e.name);
}

/** `meta(key)`, `meta(s.key)`, `meta(*)`, `meta(key->a->b)`. */
export function compileMeta(scope: CompileScope, stream: string | undefined, name: string, path: readonly string[]): Evaluator {
  const ic = scope.ignoreCase ?? false;
  let base: Evaluator;
  const src = stream !== undefined ? findSource(scope, stream) : undefined;
  if (stream !== undefined && !src) {
    // `meta(k.sub)` where k is not a source: a nested key
    return compileMeta(scope, undefined, stream, [name, ...path]);
  }
  if (name === '*') {
    base = src && isJoinScope(scope) ? (row) => row.parts?.[src.name]?.meta ?? row.meta : (row) => row.meta;
  } else if (src && isJoinScope(scope)) {
    const key = src.name;
    base = (row) => {
      const p = row.parts?.[key];
      return p === undefined ? (row.parts ? null : getOwn(row.meta, name, ic)) : getOwn(p.meta, name, ic);
    };
  } else if (isJoinScope(scope)) {
    const keys = scope.sources.map((s) => s.name);
    base = (row) => {
      const parts = row.parts;
      if (parts !== undefined) {
        for (const k of keys) {
          const p = parts[k];
          if (p !== undefined && Object.hasOwn(p.meta, name)) return p.meta[name];
        }
      }
      return getOwn(row.meta, name, ic);
    };
  } else {
    base = (row) => getOwn(row.meta, name, ic);
  }
  let ev = base;
  for (const key of path) {
    const inner = ev;
    ev = (row) => jsonAccess(inner(row), key, ic, () => null);
  }
  return ev;
}

/** The row as a map: its data, or for joins all parts merged (earlier source wins). */
export function compileRowMap(scope: CompileScope, stream?: string): (row: EvalRow) => Row {
  if (!isJoinScope(scope)) return (row) => row.data;
  const src = stream !== undefined ? findSource(scope, stream) : undefined;
  if (src) {
    const key = src.name;
    return (row) => (row.parts ? row.parts[key]?.data ?? {} : row.data);
  }
  const keys = scope.sources.map((s) => s.name);
  return (row) => {
    const parts = row.parts;
    if (parts === undefined) return row.data;
    const out: Row = {};
    for (let i = keys.length - 1; i >= 0; i--) {
      const p = parts[keys[i]!];
      if (p !== undefined) Object.assign(out, p.data);
    }
    return out;
  };
}

/** A Wildcard as a value (`count(*)`, `had_changed(true, *)`): the row map with EXCEPT/REPLACE. */
export function compileWildcardValue(
  e: Wildcard,
  scope: CompileScope,
  compileReplace: (f: SelectField) => Evaluator,
): Evaluator {
  const base = compileRowMap(scope, e.stream);
  if (e.except.length === 0 && e.replace.length === 0) return base;
  const except = new Set(e.except);
  const repl = e.replace.map((f) => ({ name: f.alias ?? f.name, ev: compileReplace(f) }));
  return (row) => {
    const src = base(row);
    const out: Row = {};
    for (const k in src) if (!except.has(k)) out[k] = src[k];
    for (const r of repl) out[r.name] = r.ev(row);
    return out;
  };
}
