import { UsageError } from '../args.js';
import type { StreamKind } from '../client.js';
import type { CommandContext } from '../command-context.js';
import { need, printResponse, readInputFile } from '../command-context.js';
import { toCreateStatement } from '../sql-text.js';

function kindOf(noun: string): StreamKind {
  return noun === 'table' || noun === 'tables' ? 'table' : 'stream';
}

/** `create stream <name> '<def>'` | `create stream [<name>] -f file.sql` (same for table). */
export async function createStream(ctx: CommandContext, noun: string, rest: string[]): Promise<void> {
  const kind = kindOf(noun);
  const file = ctx.args.values['file'];
  let sql: string;
  if (file !== undefined) {
    sql = toCreateStatement(kind, rest[0], await readInputFile(ctx, file));
  } else if (rest.length === 1 && /[\s(]/.test(rest[0]!)) {
    // `create stream 'demo (id bigint) WITH (...)'`: eKuiper joins its arguments, so this works there too.
    sql = toCreateStatement(kind, undefined, rest[0]!);
  } else {
    const name = need(rest, 0, `${kind} name and definition`);
    if (rest.length < 2) throw new UsageError(`expect ${kind} name and definition`);
    sql = toCreateStatement(kind, name, rest.slice(1).join(' '));
  }
  printResponse(ctx, await ctx.client.createStream(kind, sql));
}

/** `show streams` | `show tables`: one name a line, as eKuiper prints them. */
export async function showStreams(ctx: CommandContext, noun: string): Promise<void> {
  const kind = kindOf(noun);
  const res = await ctx.client.listStreams(kind);
  if (ctx.json) return printResponse(ctx, res);
  const names = Array.isArray(res.json) ? (res.json as unknown[]) : [];
  if (names.length === 0) ctx.io.out(`No ${kind} definitions are found.`);
  else ctx.io.out(names.map(String).join('\n'));
}

/** `describe stream <name>`: fields then options, in eKuiper's text layout. */
export async function describeStream(ctx: CommandContext, noun: string, rest: string[]): Promise<void> {
  const kind = kindOf(noun);
  const res = await ctx.client.describeStream(kind, need(rest, 0, `${kind} name`));
  if (ctx.json || typeof res.json !== 'object' || res.json === null) return printResponse(ctx, res);
  ctx.io.out(formatStreamDescription(res.json as Description));
}

export async function dropStream(ctx: CommandContext, noun: string, rest: string[]): Promise<void> {
  const kind = kindOf(noun);
  const res = await ctx.client.dropStream(kind, need(rest, 0, `${kind} name`), ctx.args.booleans.has('force'));
  printResponse(ctx, res);
}

interface Description {
  StreamFields?: { Name: string; FieldType: unknown; DefaultClause?: unknown }[] | null;
  Options?: Record<string, unknown>;
}

// eKuiper prints options in this order, upper-cased, skipping empty ones.
const OPTION_ORDER = [
  'confKey', 'datasource', 'format', 'schemaid', 'key', 'retainSize', 'shared', 'strictValidation',
  'timestamp', 'timestampFormat', 'type', 'extra', 'version', 'kind', 'delimiter', 'temp',
];

function optionLabel(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function formatStreamDescription(d: Description): string {
  const lines = ['Fields', '-'.repeat(80)];
  for (const f of d.StreamFields ?? []) {
    let line = `${f.Name}\t${fieldType(f.FieldType)}`;
    if (f.DefaultClause !== undefined && f.DefaultClause !== null) line += `\tDEFAULT\t${String(f.DefaultClause)}`;
    lines.push(line);
  }
  lines.push('');
  const opts = d.Options ?? {};
  const keys = [...OPTION_ORDER.filter((k) => k in opts), ...Object.keys(opts).filter((k) => !OPTION_ORDER.includes(k))];
  for (const k of keys) {
    const v = opts[k];
    if (v === undefined || v === null || v === '' || v === false || v === 0) continue;
    lines.push(`${optionLabel(k)}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return lines.join('\n');
}

function fieldType(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object') {
    const o = t as { Type?: string; ElementType?: unknown; Fields?: { Name: string; FieldType: unknown }[] };
    if (o.Type === 'array') return `array(${o.ElementType === undefined ? '' : fieldType(o.ElementType)})`;
    if (o.Type === 'struct') return `struct(${(o.Fields ?? []).map((f) => `${f.Name} ${fieldType(f.FieldType)}`).join(', ')})`;
    if (typeof o.Type === 'string') return o.Type;
  }
  return JSON.stringify(t);
}
