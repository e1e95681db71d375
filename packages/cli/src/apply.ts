/**
 * `oort apply`: make the server match definitions kept in files (git). Streams and tables
 * come from `*.sql` files of CREATE statements; rules from `*.json` files holding one rule
 * (an object with `id`) or a ruleset (`{"streams","tables","rules"}`). Apply is idempotent:
 * it reads the server's current state once (ruleset export), creates what is missing,
 * replaces what differs and leaves identical definitions alone. Nothing is deleted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import type { OortClient, StreamKind } from './client.js';
import { ServerError } from './client.js';
import { normalizeStatement, splitSqlStatements, statementTarget, toCreateStatement } from './sql-text.js';

export interface DesiredStream {
  kind: StreamKind;
  name: string;
  sql: string;
  /** The file it came from, for messages. */
  source: string;
}

export interface DesiredRule {
  id: string;
  rule: Record<string, unknown>;
  source: string;
}

export interface DesiredState {
  streams: DesiredStream[];
  rules: DesiredRule[];
}

export type ApplyAction = 'created' | 'updated' | 'unchanged' | 'failed';

export interface ApplyChange {
  kind: StreamKind | 'rule';
  name: string;
  action: ApplyAction;
  /** The server's error message when action is 'failed'. */
  error?: string;
}

export interface ApplySummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  changes: ApplyChange[];
}

export class ApplyInputError extends Error {
  override name = 'ApplyInputError';
}

/** Read a file or a folder (recursively, in name order) into the desired state. */
export async function loadDesired(path: string): Promise<DesiredState> {
  const files = await listFiles(path);
  const state: DesiredState = { streams: [], rules: [] };
  const seen = new Map<string, string>();
  const claim = (key: string, source: string) => {
    const prev = seen.get(key);
    if (prev !== undefined) throw new ApplyInputError(`${key} is defined twice: in ${prev} and in ${source}`);
    seen.set(key, source);
  };
  for (const file of files) {
    const source = relative(process.cwd(), file) || file;
    const text = await readFile(file, 'utf8');
    if (extname(file).toLowerCase() === '.sql') {
      for (const sql of splitSqlStatements(text)) {
        const target = statementTarget(sql);
        if (!target) throw new ApplyInputError(`${source}: only CREATE STREAM/TABLE statements are supported: ${sql.slice(0, 60)}`);
        claim(`${target.kind} ${target.name}`, source);
        state.streams.push({ ...target, sql, source });
      }
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ApplyInputError(`${source}: invalid JSON: ${(err as Error).message}`);
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ApplyInputError(`${source}: expected a JSON object`);
    const obj = doc as Record<string, unknown>;
    if (typeof obj['id'] === 'string') {
      claim(`rule ${obj['id']}`, source);
      state.rules.push({ id: obj['id'], rule: obj, source });
    } else if ('streams' in obj || 'tables' in obj || 'rules' in obj) {
      for (const kind of ['stream', 'table'] as const) {
        for (const [name, sql] of Object.entries(asRecord(obj[`${kind}s`], source))) {
          if (typeof sql !== 'string') throw new ApplyInputError(`${source}: ${kind} ${name} must be a SQL string`);
          const statement = toCreateStatement(kind, name, sql);
          claim(`${kind} ${name}`, source);
          state.streams.push({ kind, name, sql: statement, source });
        }
      }
      for (const [id, raw] of Object.entries(asRecord(obj['rules'], source))) {
        // Exported rulesets hold each rule as a JSON string; hand-written ones may use objects.
        const rule = typeof raw === 'string' ? parseRule(raw, `${source}: rule ${id}`) : raw;
        if (!rule || typeof rule !== 'object' || Array.isArray(rule)) throw new ApplyInputError(`${source}: rule ${id} must be an object`);
        claim(`rule ${id}`, source);
        state.rules.push({ id, rule: { ...(rule as Record<string, unknown>), id }, source });
      }
    } else {
      throw new ApplyInputError(`${source}: neither a rule (no "id") nor a ruleset ("streams", "tables", "rules")`);
    }
  }
  return state;
}

/** Create, update or leave each definition; one failure does not stop the others. */
export async function applyDesired(client: OortClient, desired: DesiredState): Promise<ApplySummary> {
  const current = await currentState(client);
  const summary: ApplySummary = { created: 0, updated: 0, unchanged: 0, failed: 0, changes: [] };
  const record = (change: ApplyChange) => {
    summary[change.action]++;
    summary.changes.push(change);
  };

  // Streams and tables first: rules are planned against them.
  for (const s of desired.streams) {
    const existing = current[`${s.kind}s`][s.name];
    const base = { kind: s.kind, name: s.name };
    try {
      if (existing === undefined) {
        await client.createStream(s.kind, s.sql);
        record({ ...base, action: 'created' });
      } else if (normalizeStatement(existing) !== normalizeStatement(s.sql)) {
        await client.replaceStream(s.kind, s.name, s.sql);
        record({ ...base, action: 'updated' });
      } else record({ ...base, action: 'unchanged' });
    } catch (err) {
      record({ ...base, action: 'failed', error: errorText(err) });
    }
  }
  for (const r of desired.rules) {
    const raw = current.rules[r.id];
    const base = { kind: 'rule' as const, name: r.id };
    try {
      if (raw !== undefined && sameRule(raw, r.rule)) {
        record({ ...base, action: 'unchanged' });
        continue;
      }
      // PUT is an upsert, so one call covers both cases.
      await client.upsertRule(r.id, r.rule);
      record({ ...base, action: raw === undefined ? 'created' : 'updated' });
    } catch (err) {
      record({ ...base, action: 'failed', error: errorText(err) });
    }
  }
  return summary;
}

export async function applyPath(client: OortClient, path: string): Promise<ApplySummary> {
  return applyDesired(client, await loadDesired(path));
}

export function formatSummary(s: ApplySummary): string {
  const lines = s.changes
    .filter((c) => c.action !== 'unchanged')
    .map((c) => `${c.kind} ${c.name}: ${c.action}${c.error ? `: ${c.error}` : ''}`);
  lines.push(`created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}` + (s.failed ? `, failed ${s.failed}` : ''));
  return lines.join('\n');
}

interface CurrentState {
  streams: Record<string, string>;
  tables: Record<string, string>;
  rules: Record<string, unknown>;
}

async function currentState(client: OortClient): Promise<CurrentState> {
  const res = await client.exportRuleset();
  const doc = (res.json ?? {}) as Partial<Record<keyof CurrentState, Record<string, unknown>>>;
  const strings = (r: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(r ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { streams: strings(doc.streams), tables: strings(doc.tables), rules: doc.rules ?? {} };
}

/** Compare as parsed JSON, key order ignored; `triggered` is server bookkeeping unless the file sets it. */
export function sameRule(stored: unknown, wanted: Record<string, unknown>): boolean {
  let current = stored;
  if (typeof current === 'string') {
    try {
      current = JSON.parse(current);
    } catch {
      return false;
    }
  }
  if (!current || typeof current !== 'object') return false;
  const cur = { ...(current as Record<string, unknown>) };
  if (!('triggered' in wanted)) delete cur['triggered'];
  return canonical(cur) === canonical(wanted);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function asRecord(v: unknown, source: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ApplyInputError(`${source}: ruleset sections must be objects`);
  return v as Record<string, unknown>;
}

function parseRule(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApplyInputError(`${where}: invalid JSON: ${(err as Error).message}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof ServerError ? err.message : (err as Error).message;
}

async function listFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ApplyInputError(`${path} does not exist`);
  }
  if (info.isFile()) {
    if (!isDefinitionFile(path)) throw new ApplyInputError(`${path}: expected a .sql or .json file`);
    return [path];
  }
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(path, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile() && isDefinitionFile(full)) out.push(full);
  }
  return out;
}

function isDefinitionFile(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === '.sql' || ext === '.json';
}
