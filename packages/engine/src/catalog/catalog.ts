import { oortError } from '../errors.js';
import type { StreamKind } from '../api.js';
import type { KVStore } from '../store/kv.js';
import { parseStatement } from '../sql/index.js';
import type { CreateStreamStatement } from '../sql/ast.js';
import { toStreamDef, type StreamDef } from './stream-def.js';

const NS = 'stream';
const ID_RE = /^[a-zA-Z0-9_-]+$/;

interface StoredStream {
  kind: StreamKind;
  statement: string;
}

/** Streams and tables, persisted in the KV store and cached as parsed definitions. */
export class Catalog {
  private readonly defs = new Map<string, StreamDef>();

  constructor(private readonly kv: KVStore) {
    for (const [name, raw] of kv.entries(NS)) {
      try {
        const stored = JSON.parse(raw) as StoredStream;
        this.defs.set(name, toStreamDef(parseCreate(stored.statement), stored.statement));
      } catch {
        // a definition that no longer parses stays in the store and is reported on use
      }
    }
  }

  /** Parses a CREATE STREAM/TABLE statement (without storing it). */
  static parse(sql: string): StreamDef {
    return toStreamDef(parseCreate(sql), sql.trim());
  }

  create(sql: string): StreamDef {
    const def = Catalog.parse(sql);
    checkId(def.name);
    if (this.defs.has(def.name) || this.kv.get(NS, def.name) !== undefined) {
      throw oortError('STREAM', `${def.kind} ${def.name} already exists`);
    }
    this.store(def);
    return def;
  }

  replace(kind: StreamKind, name: string, sql: string): StreamDef {
    const def = Catalog.parse(sql);
    const old = this.defs.get(name);
    if (!old || old.kind !== kind) throw oortError('NOT_FOUND', `${kind} ${name} is not found`);
    if (def.name !== name) throw oortError('STREAM', `${kind} name ${def.name} does not match ${name}`);
    if (def.kind !== kind) throw oortError('STREAM', `cannot replace ${kind} ${name} with a ${def.kind}`);
    if ((old.options.SHARED ?? '').toLowerCase() !== (def.options.SHARED ?? '').toLowerCase()) {
      throw oortError('STREAM', `cannot change the SHARED option of ${kind} ${name}`);
    }
    const ov = old.options.VERSION, nv = def.options.VERSION;
    if ((ov || nv) && !(nv && (!ov || nv > ov))) {
      throw oortError('STREAM', `${kind} ${name} version ${nv ?? ''} must be greater than ${ov ?? ''}`);
    }
    this.store(def);
    return def;
  }

  drop(kind: StreamKind, name: string): void {
    const def = this.defs.get(name);
    if (!def || def.kind !== kind) throw oortError('NOT_FOUND', `${kind} ${name} is not found`);
    this.kv.delete(NS, name);
    this.defs.delete(name);
  }

  get(name: string): StreamDef | undefined {
    return this.defs.get(name);
  }

  require(kind: StreamKind, name: string): StreamDef {
    const def = this.defs.get(name);
    if (!def || def.kind !== kind) throw oortError('NOT_FOUND', `${kind} ${name} is not found`);
    return def;
  }

  list(kind: StreamKind): StreamDef[] {
    return [...this.defs.values()].filter((d) => d.kind === kind).sort((a, b) => a.name.localeCompare(b.name));
  }

  private store(def: StreamDef): void {
    const stored: StoredStream = { kind: def.kind, statement: def.statement };
    this.kv.set(NS, def.name, JSON.stringify(stored));
    this.defs.set(def.name, def);
  }
}

function parseCreate(sql: string): CreateStreamStatement {
  let stmt;
  try {
    stmt = parseStatement(sql);
  } catch (e) {
    throw oortError('STREAM', (e as Error).message, e);
  }
  if (stmt.kind !== 'CreateStream') throw oortError('STREAM', 'expected a CREATE STREAM or CREATE TABLE statement');
  return stmt;
}

export function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw oortError('GENERAL', `invalid name ${JSON.stringify(id)}: use letters, digits, _ and - only`);
  }
}
