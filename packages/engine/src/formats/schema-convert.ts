import type { Row } from '@oort/sdk';
import type { FieldType, StreamField } from '../sql/ast.js';
import { formatValue, typeName } from '../runtime/value.js';

type Convert = (v: unknown, name: string) => unknown;

const GO_TYPE: Record<string, string> = {
  bigint: 'int64',
  float: 'float64',
  string: 'string',
  boolean: 'bool',
  datetime: 'datetime',
  bytea: 'bytea',
  array: 'array',
  struct: 'struct',
};

function mismatch(name: string, v: unknown, t: FieldType): Error {
  return new Error(`field ${name} type mismatch: cannot convert ${typeName(v)}(${formatValue(v)}) to ${GO_TYPE[t.type]}`);
}

function compileType(t: FieldType): Convert {
  switch (t.type) {
    case 'bigint':
      return (v, name) => {
        if (typeof v === 'number') {
          if (!Number.isFinite(v)) throw mismatch(name, v, t);
          return BigInt(Math.trunc(v));
        }
        if (typeof v === 'bigint') return v;
        throw mismatch(name, v, t);
      };
    case 'float':
      return (v, name) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint') return Number(v);
        throw mismatch(name, v, t);
      };
    case 'string':
      return (v, name) => {
        if (typeof v === 'string') return v;
        throw mismatch(name, v, t);
      };
    case 'boolean':
      return (v, name) => {
        if (typeof v === 'boolean') return v;
        throw mismatch(name, v, t);
      };
    case 'datetime':
      // kept as the number or string it came as; the runtime converts when it needs a Date
      return (v, name) => {
        if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint' || v instanceof Date) return v;
        throw mismatch(name, v, t);
      };
    case 'bytea':
      return (v, name) => {
        if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
        if (v instanceof Uint8Array) return v;
        throw mismatch(name, v, t);
      };
    case 'array': {
      const elem = compileType(t.element);
      return (v, name) => {
        if (!Array.isArray(v)) throw mismatch(name, v, t);
        return v.map((e) => (e === null || e === undefined ? e : elem(e, name)));
      };
    }
    case 'struct': {
      const inner = compileSchema(t.fields);
      return (v, name) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mismatch(name, v, t);
        return inner(v as Row);
      };
    }
  }
}

/**
 * Compiles a schema into a function that keeps only the declared fields of a decoded JSON row
 * and converts them to the declared types (throwing eKuiper's "type mismatch" error text).
 */
export function compileSchema(fields: readonly StreamField[]): (row: Row) => Row {
  const entries = fields.map((f) => ({ name: f.name, convert: compileType(f.fieldType) }));
  return (row) => {
    const out: Row = {};
    for (const { name, convert } of entries) {
      const v = row[name];
      if (v === undefined) continue;
      out[name] = v === null ? null : convert(v, name);
    }
    return out;
  };
}
