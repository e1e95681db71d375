import type {
  BinaryOp, CreateStreamStatement, Expr, ExprKind, FieldType, OverClause, SelectField, SelectStatement, SortField,
  SourceRef, Statement, StreamField, WindowSpec,
} from './ast.js';
import { TIME_UNIT_MS } from './dialect.js';
import { KEYWORDS } from './token.js';

/*
 * Canonical SQL text for an AST. Parsing the printed text gives back the same tree (positions
 * aside): ParenExpr nodes print their parentheses, and parentheses are added only where a tree
 * built by hand needs them to keep its shape.
 */

const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  OR: 1, AND: 2,
  '=': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '&': 5,
};
const POSTFIX = 6;
const ATOM = 7;

function precedenceOf(e: Expr): number {
  switch (e.kind) {
    case 'BinaryExpr':
      return PRECEDENCE[e.op];
    case 'InExpr':
    case 'BetweenExpr':
    case 'LikeExpr':
      return 3;
    case 'JsonAccess':
    case 'IndexExpr':
    case 'SliceExpr':
      return POSTFIX;
    default:
      return ATOM;
  }
}

/** Prints `e`, parenthesized when its precedence is below `min`. */
function sub(e: Expr, min: number): string {
  const s = printExpr(e);
  return precedenceOf(e) < min ? `(${s})` : s;
}

type Printers = { [K in ExprKind]: (e: Extract<Expr, { kind: K }>) => string };

const PRINTERS: Printers = {
  IntegerLiteral: (e) => e.value.toString(),
  NumberLiteral: (e) => printFloat(e.value),
  StringLiteral: (e) => printString(e.value),
  BooleanLiteral: (e) => (e.value ? 'TRUE' : 'FALSE'),
  TimeUnitLiteral: (e) => e.unit,
  FieldRef: (e) => (e.stream === undefined ? printIdent(e.name) : `${printIdent(e.stream)}.${printIdent(e.name)}`),
  Wildcard: (e) => {
    let s = e.stream === undefined ? '*' : `${printIdent(e.stream)}.*`;
    if (e.except.length > 0) s += ` EXCEPT(${e.except.map(printIdent).join(', ')})`;
    if (e.replace.length > 0) s += ` REPLACE(${e.replace.map(printField).join(', ')})`;
    return s;
  },
  MetaRef: (e) => {
    const head = e.name === '*' ? '*' : e.stream === undefined ? printIdent(e.name) : `${printIdent(e.stream)}.${printIdent(e.name)}`;
    return head + e.path.map((p) => `->${printIdent(p)}`).join('');
  },
  BinaryExpr: (e) => {
    const p = PRECEDENCE[e.op];
    return `${sub(e.lhs, p)} ${e.op} ${sub(e.rhs, p + 1)}`;
  },
  ParenExpr: (e) => `(${printExpr(e.expr)})`,
  JsonAccess: (e) => `${sub(e.expr, POSTFIX)}->${printIdent(e.key)}`,
  IndexExpr: (e) => `${sub(e.expr, POSTFIX)}[${printExpr(e.index)}]`,
  SliceExpr: (e) => `${sub(e.expr, POSTFIX)}[${e.start === undefined ? '' : printExpr(e.start)}:${e.end === undefined ? '' : printExpr(e.end)}]`,
  Call: (e) => `${printIdent(e.name)}(${e.args.map(printExpr).join(', ')})${e.over === undefined ? '' : ` OVER (${printOver(e.over)})`}`,
  CaseExpr: (e) => {
    const parts = ['CASE'];
    if (e.value !== undefined) parts.push(printExpr(e.value));
    for (const w of e.whens) parts.push(`WHEN ${printExpr(w.when)} THEN ${printExpr(w.then)}`);
    if (e.else !== undefined) parts.push(`ELSE ${printExpr(e.else)}`);
    parts.push('END');
    return parts.join(' ');
  },
  InExpr: (e) => {
    const rhs = e.list !== undefined ? `(${e.list.map(printExpr).join(', ')})` : sub(e.array!, 4);
    return `${sub(e.expr, 3)} ${e.not ? 'NOT IN' : 'IN'} ${rhs}`;
  },
  BetweenExpr: (e) => `${sub(e.expr, 3)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${sub(e.low, 4)} AND ${sub(e.high, 4)}`,
  LikeExpr: (e) => `${sub(e.expr, 3)} ${e.not ? 'NOT LIKE' : 'LIKE'} ${sub(e.pattern, 4)}`,
};

/** Canonical SQL text of an expression. */
export function printExpr(expr: Expr): string {
  return (PRINTERS[expr.kind] as (e: Expr) => string)(expr);
}

/** Canonical SQL text of a statement (keywords uppercase, single spaces, no trailing `;`). */
export function printStatement(stmt: Statement): string {
  switch (stmt.kind) {
    case 'Select':
      return printSelect(stmt);
    case 'CreateStream':
      return printCreate(stmt);
    case 'Show':
      return `SHOW ${stmt.target.toUpperCase()}`;
    case 'Describe':
    case 'Explain':
    case 'Drop':
      return `${stmt.kind.toUpperCase()} ${stmt.target.toUpperCase()} ${printIdent(stmt.name)}`;
  }
}

function printSelect(s: SelectStatement): string {
  const parts = [`SELECT ${s.fields.map(printField).join(', ')}`, `FROM ${printSource(s.from)}`];
  for (const j of s.joins) {
    parts.push(`${j.type} JOIN ${printSource(j.source)}${j.on === undefined ? '' : ` ON ${printExpr(j.on)}`}`);
  }
  if (s.where !== undefined) parts.push(`WHERE ${printExpr(s.where)}`);
  const groups = s.dimensions.map(printExpr);
  if (s.window !== undefined) groups.push(printWindow(s.window));
  if (groups.length > 0) parts.push(`GROUP BY ${groups.join(', ')}`);
  if (s.having !== undefined) parts.push(`HAVING ${printExpr(s.having)}`);
  if (s.orderBy.length > 0) parts.push(`ORDER BY ${printSorts(s.orderBy)}`);
  if (s.limit !== undefined) parts.push(`LIMIT ${s.limit}`);
  return parts.join(' ');
}

function printField(f: SelectField): string {
  let s = printExpr(f.expr);
  if (f.alias !== undefined) s += ` AS ${printIdent(f.alias)}`;
  if (f.invisible) s += ' INVISIBLE';
  return s;
}

function printSource(s: SourceRef): string {
  // Legacy topic-like names (`topic/sensor1`) print as written; anything else is an identifier.
  const name = /^[A-Za-z][A-Za-z0-9_]*([/#+]+[A-Za-z][A-Za-z0-9_]*)*[/#+]*$/.test(s.name) && /[/#+]/.test(s.name) ? s.name : printIdent(s.name);
  return s.alias === undefined ? name : `${name} AS ${printIdent(s.alias)}`;
}

function printSorts(sorts: readonly SortField[]): string {
  return sorts.map((f) => `${printExpr(f.expr)}${f.ascending ? '' : ' DESC'}`).join(', ');
}

function printOver(o: OverClause): string {
  const parts: string[] = [];
  if (o.partitionBy.length > 0) parts.push(`PARTITION BY ${o.partitionBy.map(printExpr).join(', ')}`);
  if (o.orderBy.length > 0) parts.push(`ORDER BY ${printSorts(o.orderBy)}`);
  if (o.when !== undefined) parts.push(`WHEN ${printExpr(o.when)}`);
  return parts.join(' ');
}

const WINDOW_KEYWORDS: Readonly<Record<WindowSpec['type'], string>> = {
  tumbling: 'TUMBLINGWINDOW', hopping: 'HOPPINGWINDOW', sliding: 'SLIDINGWINDOW',
  session: 'SESSIONWINDOW', count: 'COUNTWINDOW', state: 'STATEWINDOW',
};

function printWindow(w: WindowSpec): string {
  const unitMs = w.unit === undefined ? 1 : TIME_UNIT_MS[w.unit];
  const t = (ms: number | undefined): string => String((ms ?? 0) / unitMs);
  let args: string[];
  switch (w.type) {
    case 'state':
      args = [printExpr(w.beginCond!), ...(w.emitCond === undefined ? [] : [printExpr(w.emitCond)])];
      break;
    case 'count':
      args = [String(w.length), ...(w.interval === undefined ? [] : [String(w.interval)])];
      break;
    case 'tumbling':
      args = [w.unit!, t(w.length)];
      break;
    case 'sliding':
      args = [w.unit!, t(w.length), ...(w.delay === undefined ? [] : [t(w.delay)])];
      break;
    default:
      args = [w.unit!, t(w.length), t(w.interval)];
  }
  let s = `${WINDOW_KEYWORDS[w.type]}(${args.join(', ')})`;
  if (w.filter !== undefined) s += ` FILTER (WHERE ${printExpr(w.filter)})`;
  const over: string[] = [];
  if (w.trigger !== undefined) over.push(`WHEN ${printExpr(w.trigger)}`);
  if (w.partitionBy.length > 0) over.push(`PARTITION BY ${w.partitionBy.map(printExpr).join(', ')}`);
  if (over.length > 0) s += ` OVER (${over.join(' ')})`;
  return s;
}

function printCreate(s: CreateStreamStatement): string {
  const opts = Object.entries(s.options).map(([k, v]) => `${k}=${printString(v)}`);
  return `CREATE ${s.streamType.toUpperCase()} ${printIdent(s.name)} (${s.fields.map(printStreamField).join(', ')}) WITH (${opts.join(', ')})`;
}

function printStreamField(f: StreamField): string {
  let s = `${printIdent(f.name)} ${printType(f.fieldType)}`;
  if (f.default !== undefined) s += ` DEFAULT ${printDefault(f.default)}`;
  return s;
}

function printType(t: FieldType): string {
  if (t.type === 'array') return `ARRAY(${printType(t.element)})`;
  if (t.type === 'struct') return `STRUCT(${t.fields.map(printStreamField).join(', ')})`;
  return t.type.toUpperCase();
}

function printDefault(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return printFloat(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return printString(String(v));
}

/** An identifier, backquoted when it is not a plain one or is a reserved word. */
export function printIdent(name: string): string {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase()) ? name : `\`${name}\``;
}

/** A double-quoted string literal with Go escapes where needed. */
export function printString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A float that reads back as a float: always has a `.`, never an exponent (the lexer has none). */
export function printFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot print ${v} as a SQL literal`);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const s = Math.abs(v).toString();
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  let plain: string;
  if (m === null) {
    plain = s;
  } else {
    const digits = m[1]! + (m[2] ?? '');
    const point = m[1]!.length + Number(m[3]);
    plain = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return sign + (plain.includes('.') ? plain : `${plain}.0`);
}
