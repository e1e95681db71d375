import type { CreateStreamStatement, FieldType, StreamField } from '../sql/ast.js';
import type { StreamDescription, StreamKind } from '../api.js';

/** A stream or table as the planner and runtime need it, derived from its CREATE statement. */
export interface StreamDef {
  readonly name: string;
  readonly kind: StreamKind;
  readonly statement: string;
  /** Declared fields; `null` for a schemaless stream. */
  readonly fields: readonly StreamField[] | null;
  /** Connector type: `TYPE`, default mqtt for streams and file for tables. */
  readonly type: string;
  readonly format: string;
  readonly datasource: string;
  readonly options: Readonly<Record<string, string>>;
}

export function toStreamDef(stmt: CreateStreamStatement, statement: string): StreamDef {
  const o = stmt.options;
  const kind: StreamKind = stmt.streamType;
  return {
    name: stmt.name,
    kind,
    statement,
    fields: stmt.fields.length ? stmt.fields : null,
    type: (o.TYPE ?? (kind === 'table' ? 'file' : 'mqtt')).toLowerCase(),
    format: (o.FORMAT ?? 'json').toLowerCase(),
    datasource: o.DATASOURCE ?? '',
    options: o,
  };
}

const TYPE_NAMES: Record<string, string> = {
  bigint: 'bigint', float: 'float', string: 'string', datetime: 'datetime', boolean: 'boolean', bytea: 'bytea',
};

function describeType(t: FieldType): unknown {
  if (t.type === 'array') return { Type: 'array', ElementType: describeType(t.element) };
  if (t.type === 'struct') return { Type: 'struct', Fields: t.fields.map(describeField) };
  return TYPE_NAMES[t.type];
}

function describeField(f: StreamField): Record<string, unknown> {
  const d: Record<string, unknown> = { Name: f.name, FieldType: describeType(f.fieldType) };
  if (f.default !== undefined) d.DefaultClause = f.default;
  return d;
}

const OPTION_KEYS: Record<string, string> = {
  DATASOURCE: 'datasource', KEY: 'key', FORMAT: 'format', CONF_KEY: 'confKey', TYPE: 'type',
  STRICT_VALIDATION: 'strictValidation', TIMESTAMP: 'timestamp', TIMESTAMP_FORMAT: 'timestampFormat',
  SHARED: 'shared', SCHEMAID: 'schemaid', VERSION: 'version', EXTRA: 'extra', TEMP: 'temp',
  RETAIN_SIZE: 'retainSize', KIND: 'kind', DELIMITER: 'delimiter',
};

/** `GET /streams/{name}` body in eKuiper v2's shape. */
export function describeStream(def: StreamDef): StreamDescription {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def.options)) {
    const key = OPTION_KEYS[k] ?? k.toLowerCase();
    options[key] = k === 'STRICT_VALIDATION' || k === 'SHARED' || k === 'TEMP' ? v.toLowerCase() === 'true' : k === 'RETAIN_SIZE' ? Number(v) : v;
  }
  return {
    Name: def.name,
    StreamFields: def.fields ? def.fields.map(describeField) : null,
    Options: options,
    StreamType: def.kind === 'stream' ? 0 : 1,
    Statement: null,
  };
}

function schemaOf(t: FieldType): Record<string, unknown> {
  if (t.type === 'array') return { type: 'array', items: schemaOf(t.element) };
  if (t.type === 'struct') return { type: 'struct', properties: Object.fromEntries(t.fields.map((f) => [f.name, schemaOf(f.fieldType)])) };
  return { type: t.type };
}

/** `GET /streams/{name}/schema` body. */
export function streamSchema(def: StreamDef): Record<string, unknown> {
  if (!def.fields) return {};
  return Object.fromEntries(def.fields.map((f) => [f.name, schemaOf(f.fieldType)]));
}
