import type {
  CreateStreamStatement, DescribeStatement, DropStatement, ExplainStatement, FieldType, Pos, ShowStatement, StreamField,
} from './ast.js';
import { FIELD_TYPE_NAMES, SIMPLE_TYPES, STREAM_OPTIONS } from './dialect.js';
import type { TokenCursor } from './token-cursor.js';
import type { Token } from './token.js';

/** First words of the non-SELECT statements. */
export const DDL_WORDS = ['CREATE', 'SHOW', 'DESCRIBE', 'EXPLAIN', 'DROP'] as const;

const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(['SHARED', 'STRICT_VALIDATION', 'TEMP']);
const LOWERCASED_OPTIONS: ReadonlySet<string> = new Set(['KIND', 'VERSION']);

/**
 * `CREATE STREAM|TABLE name (col type [DEFAULT lit], ...) WITH (KEY="v", ...)`.
 * `()` declares a schemaless stream; a trailing comma before `)` is tolerated; commas between
 * options are optional (as in eKuiper).
 */
export function parseCreate(c: TokenCursor): CreateStreamStatement {
  const pos = c.word('CREATE').pos;
  const streamType = streamOrTable(c);
  const name = c.ident(`${streamType} name`).value;
  c.op('(');
  const fields = parseFieldList(c);
  c.word('WITH');
  const { options, positions } = parseOptions(c);
  validateStream(c, pos, streamType, fields, options, positions);
  return { kind: 'CreateStream', pos, streamType, name, fields, options };
}

export function parseShow(c: TokenCursor): ShowStatement {
  const pos = c.word('SHOW').pos;
  if (c.acceptWord('STREAMS')) return { kind: 'Show', pos, target: 'streams' };
  c.word('TABLES');
  return { kind: 'Show', pos, target: 'tables' };
}

/** `DESCRIBE|EXPLAIN|DROP STREAM|TABLE name`. */
export function parseNamedCommand(c: TokenCursor, word: 'DESCRIBE' | 'EXPLAIN' | 'DROP'): DescribeStatement | ExplainStatement | DropStatement {
  const pos = c.word(word).pos;
  const target = streamOrTable(c);
  const name = c.ident(`${target} name`).value;
  const kind = word === 'DESCRIBE' ? 'Describe' : word === 'EXPLAIN' ? 'Explain' : 'Drop';
  return { kind, pos, target, name };
}

function streamOrTable(c: TokenCursor): 'stream' | 'table' {
  if (c.acceptWord('STREAM')) return 'stream';
  c.word('TABLE');
  return 'table';
}

/** After `(`: fields up to and including `)`. */
function parseFieldList(c: TokenCursor): StreamField[] {
  const fields: StreamField[] = [];
  for (;;) {
    if (c.acceptOp(')')) return fields;
    fields.push(parseField(c));
    if (c.acceptOp(',')) continue;
    c.op(')');
    return fields;
  }
}

function parseField(c: TokenCursor): StreamField {
  const name = c.ident('field name').value;
  const fieldType = parseFieldType(c);
  const def = c.acceptKeyword('DEFAULT');
  if (def === undefined) return { name, fieldType };
  return { name, fieldType, default: parseDefault(c, fieldType) };
}

function parseFieldType(c: TokenCursor): FieldType {
  const t = c.peek();
  const upper = t.type === 'ident' && !t.quoted ? t.value.toUpperCase() : '';
  if (!FIELD_TYPE_NAMES.includes(upper)) {
    for (const n of FIELD_TYPE_NAMES) c.expect(n);
    c.fail();
  }
  c.next();
  if (upper === 'ARRAY') {
    c.op('(');
    c.enter();
    const element = parseFieldType(c);
    c.leave();
    c.op(')');
    return { type: 'array', element };
  }
  if (upper === 'STRUCT') {
    c.op('(');
    c.enter();
    const fields = parseFieldList(c);
    c.leave();
    return { type: 'struct', fields };
  }
  return { type: upper.toLowerCase() as Lowercase<(typeof SIMPLE_TYPES)[number]> };
}

/** A literal after DEFAULT, converted to the field type as eKuiper's `GetDefaultClause` does. */
function parseDefault(c: TokenCursor, ft: FieldType): unknown {
  let t = c.peek();
  let negative = false;
  if (t.type === 'op' && t.value === '-' && (c.peek(1).type === 'integer' || c.peek(1).type === 'number')) {
    c.next();
    negative = true;
    t = c.peek();
  }
  const ok = t.type === 'integer' || t.type === 'number' || t.type === 'string' || (t.type === 'keyword' && (t.value === 'TRUE' || t.value === 'FALSE'));
  if (!ok) c.fail('literal');
  c.next();
  const text = (negative ? '-' : '') + (t.type === 'keyword' ? t.value.toLowerCase() : t.value);
  const mismatch = (): never => c.error(t.pos, t.text, `DEFAULT value ${t.text} does not match type ${ft.type}`);
  switch (ft.type) {
    case 'bigint':
      if (t.type === 'keyword' || !/^-?\d+$/.test(text.trim())) return mismatch();
      return BigInt(text.trim());
    case 'float': {
      if (t.type === 'keyword' || !/^-?(\d+\.?\d*|\.\d+)$/.test(text.trim())) return mismatch();
      return Number(text.trim());
    }
    case 'string':
      return text;
    case 'boolean':
      if (text.toLowerCase() !== 'true' && text.toLowerCase() !== 'false') return mismatch();
      return text.toLowerCase() === 'true';
    default:
      return c.error(t.pos, t.text, `DEFAULT clause is not supported for type ${ft.type}`);
  }
}

interface ParsedOptions {
  options: Record<string, string>;
  positions: Record<string, Pos>;
}

function parseOptions(c: TokenCursor): ParsedOptions {
  c.op('(');
  const options: Record<string, string> = {};
  const positions: Record<string, Pos> = {};
  for (;;) {
    if (c.acceptOp(',')) continue;
    if (c.acceptOp(')')) return { options, positions };
    const k = c.peek();
    const key = k.type === 'ident' ? k.value.toUpperCase() : '';
    if (!STREAM_OPTIONS.includes(key)) {
      for (const o of STREAM_OPTIONS) c.expect(o);
      c.fail();
    }
    c.next();
    c.op('=');
    const v = c.peek();
    if (!(v.type === 'string' && !v.single) && !(v.type === 'keyword' && (v.value === 'TRUE' || v.value === 'FALSE'))) {
      c.expect('double-quoted string');
      c.expect('TRUE');
      c.expect('FALSE');
      c.fail();
    }
    c.next();
    options[key] = optionValue(c, key, v);
    positions[key] = v.pos;
  }
}

function optionValue(c: TokenCursor, key: string, v: Token): string {
  const raw = v.type === 'keyword' ? v.value.toLowerCase() : v.value;
  if (BOOLEAN_OPTIONS.has(key)) {
    const b = raw.toLowerCase();
    if (b !== 'true' && b !== 'false') c.error(v.pos, v.text, `option ${key} must be "true" or "false"`);
    return b;
  }
  if (key === 'RETAIN_SIZE' && !/^[+-]?\d+$/.test(raw)) c.error(v.pos, v.text, `option ${key} must be an integer`);
  if (key === 'EXTRA') {
    try {
      JSON.parse(raw);
    } catch {
      c.error(v.pos, v.text, 'invalid extra option, expect JSON string');
    }
  }
  return LOWERCASED_OPTIONS.has(key) ? raw.toLowerCase() : raw;
}

/** The checks eKuiper's parser makes on a whole CREATE statement (`validateStream`, memory lookup key). */
function validateStream(
  c: TokenCursor, pos: Pos, streamType: 'stream' | 'table', fields: readonly StreamField[],
  options: Record<string, string>, positions: Record<string, Pos>,
): void {
  if ((options['FORMAT'] ?? '').toLowerCase() === 'binary') {
    const at = positions['FORMAT']!;
    if (streamType === 'table') c.error(at, options['FORMAT']!, "'binary' format is not supported for table");
    if (fields.length > 1) c.error(at, options['FORMAT']!, "'binary' format stream can have only one field");
    if (fields.length === 1 && fields[0]!.fieldType.type !== 'bytea') {
      c.error(at, options['FORMAT']!, "'binary' format stream can have only 'bytea' type field");
    }
  }
  if (options['KIND'] === 'lookup' && options['TYPE'] === 'memory' && !options['KEY']) {
    c.error(pos, 'CREATE', 'Option "key" is required for memory lookup table');
  }
}
