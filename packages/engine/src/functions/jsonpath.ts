/**
 * A small JSONPath evaluator with PaesslerAG/jsonpath's semantics for the common forms:
 * `$`, `.key`, `["key"]`, `['a.b']`, `[n]` (negative from the end), `[*]`, `.*`, `[a,b]`,
 * `[start:end]`, `..key` (recursive) and filters `[?(@.x > 1 && @.y == "a")]` / `[? @.x>1]`.
 * A path with a wildcard, slice, union, filter or recursion yields an array; otherwise one
 * value. A missing key or index is an error (`unknown key x`, `index out of range`).
 */
import { isMap } from '../runtime/value.js';

type Step =
  | { t: 'key'; k: string }
  | { t: 'idx'; i: number }
  | { t: 'wild' }
  | { t: 'union'; items: (string | number)[] }
  | { t: 'slice'; s?: number; e?: number }
  | { t: 'rec'; k: string | null }
  | { t: 'filter'; f: Filter };
type Filter = (v: unknown, root: unknown) => unknown;

export interface CompiledPath { steps: Step[]; multi: boolean }

const cache = new Map<string, CompiledPath>();

export function compilePath(path: string): CompiledPath {
  let c = cache.get(path);
  if (!c) {
    c = new Parser(path).parse();
    if (cache.size > 500) cache.clear();
    cache.set(path, c);
  }
  return c;
}

export function evalPath(path: string, data: unknown): unknown {
  const { steps, multi } = compilePath(path);
  if (!multi) {
    let cur = data;
    for (const s of steps) cur = single(cur, s);
    return cur;
  }
  let cur: unknown[] = [data];
  for (const s of steps) cur = cur.flatMap((v) => many(v, s, data));
  return cur;
}

function single(v: unknown, s: Step): unknown {
  if (s.t === 'key') {
    if (!isMap(v)) throw new Error(`unsupported value type ${describe(v)} for select, expected map[string]interface{} or []interface{}`);
    if (!(s.k in v)) throw new Error(`unknown key ${s.k}`);
    return v[s.k];
  }
  if (s.t === 'idx') {
    if (!Array.isArray(v)) throw new Error(`unsupported value type ${describe(v)} for select, expected []interface{}`);
    const i = s.i < 0 ? v.length + s.i : s.i;
    if (i < 0 || i >= v.length) throw new Error(`index ${s.i} out of bounds`);
    return v[i];
  }
  throw new Error('unexpected step');
}

function describe(v: unknown): string {
  return v === null || v === undefined ? '<nil>' : typeof v;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v).sort().map((k) => v[k]);
  return [];
}

function many(v: unknown, s: Step, root: unknown): unknown[] {
  switch (s.t) {
    case 'key': return isMap(v) && s.k in v ? [v[s.k]] : [];
    case 'idx': {
      if (!Array.isArray(v)) return [];
      const i = s.i < 0 ? v.length + s.i : s.i;
      return i >= 0 && i < v.length ? [v[i]] : [];
    }
    case 'wild': return children(v);
    case 'union': return s.items.flatMap((it) => many(v, typeof it === 'number' ? { t: 'idx', i: it } : { t: 'key', k: it }, root));
    case 'slice': {
      if (!Array.isArray(v)) return [];
      const n = v.length;
      let a = s.s ?? 0, b = s.e ?? n;
      if (a < 0) a += n;
      if (b < 0) b += n;
      return v.slice(Math.max(0, a), Math.min(n, b));
    }
    case 'rec': {
      const out: unknown[] = [];
      const walk = (x: unknown) => {
        if (s.k === null) out.push(...children(x));
        else if (isMap(x) && s.k in x) out.push(x[s.k]);
        for (const c of children(x)) if (Array.isArray(c) || isMap(c)) walk(c);
      };
      walk(v);
      return out;
    }
    case 'filter': return children(v).filter((c) => truthy(s.f(c, root)));
  }
}

function truthy(v: unknown): boolean {
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== '';
}

class Parser {
  private i = 0;
  private multi = false;
  constructor(private readonly src: string) {}

  parse(): CompiledPath {
    this.ws();
    if (this.src[this.i] !== '$') throw new Error(`parsing error: ${this.src}\t:1:1 - 1:2 unexpected ${JSON.stringify(this.src[this.i] ?? 'EOF')} while scanning JSON path`);
    this.i++;
    const steps = this.steps(false);
    this.ws();
    if (this.i < this.src.length) throw new Error(`parsing error: ${this.src} - unexpected ${JSON.stringify(this.src[this.i])}`);
    return { steps, multi: this.multi };
  }

  private steps(inFilter: boolean): Step[] {
    const steps: Step[] = [];
    for (;;) {
      const c = this.src[this.i];
      if (c === '.') {
        if (this.src[this.i + 1] === '.') {
          this.i += 2;
          this.multi = true;
          if (this.src[this.i] === '*') { this.i++; steps.push({ t: 'rec', k: null }); }
          else steps.push({ t: 'rec', k: this.ident() });
          continue;
        }
        this.i++;
        if (this.src[this.i] === '*') { this.i++; this.multi = true; steps.push({ t: 'wild' }); continue; }
        steps.push({ t: 'key', k: this.ident() });
      } else if (c === '[') {
        this.i++;
        this.ws();
        steps.push(this.bracket());
        this.ws();
        this.expect(']');
      } else break;
      if (inFilter) continue;
    }
    return steps;
  }

  private ident(): string {
    const m = /^[^.[\]\s()=!<>&|,]+/.exec(this.src.slice(this.i));
    if (!m) throw new Error(`parsing error: ${this.src} - expected key at ${this.i}`);
    this.i += m[0].length;
    return m[0];
  }

  private bracket(): Step {
    const c = this.src[this.i];
    if (c === '*') { this.i++; this.multi = true; return { t: 'wild' }; }
    if (c === '?') {
      this.i++;
      this.ws();
      this.multi = true;
      return { t: 'filter', f: this.expr() };
    }
    const items: (string | number | undefined)[] = [];
    let slice = false;
    for (;;) {
      this.ws();
      const ch = this.src[this.i];
      if (ch === '"' || ch === "'") items.push(this.string());
      else if (ch === ':' ) items.push(undefined);
      else items.push(this.number());
      this.ws();
      if (this.src[this.i] === ',') { this.i++; continue; }
      if (this.src[this.i] === ':') { this.i++; slice = true; this.ws(); if (this.src[this.i] === ']') { items.push(undefined); break; } items.push(this.number()); break; }
      break;
    }
    if (slice) { this.multi = true; return { t: 'slice', s: items[0] as number | undefined, e: items[1] as number | undefined }; }
    if (items.length > 1) { this.multi = true; return { t: 'union', items: items as (string | number)[] }; }
    const it = items[0];
    return typeof it === 'number' ? { t: 'idx', i: it } : { t: 'key', k: it as string };
  }

  private number(): number {
    const m = /^-?\d+/.exec(this.src.slice(this.i));
    if (!m) throw new Error(`parsing error: ${this.src} - unexpected ${JSON.stringify(this.src[this.i] ?? 'EOF')}`);
    this.i += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const q = this.src[this.i++];
    let out = '';
    while (this.i < this.src.length && this.src[this.i] !== q) {
      if (this.src[this.i] === '\\') this.i++;
      out += this.src[this.i++];
    }
    this.expect(q);
    return out;
  }

  private ws(): void { while (/\s/.test(this.src[this.i] ?? '')) this.i++; }
  private expect(c: string): void {
    if (this.src[this.i] !== c) throw new Error(`parsing error: ${this.src} - expected ${JSON.stringify(c)} at ${this.i}`);
    this.i++;
  }

  // filter expressions: or → and → not → cmp → primary
  private expr(): Filter {
    let l = this.and();
    for (;;) { this.ws(); if (this.src.startsWith('||', this.i)) { this.i += 2; const a = l, b = this.and(); l = (v, r) => truthy(a(v, r)) || truthy(b(v, r)); } else return l; }
  }
  private and(): Filter {
    let l = this.not();
    for (;;) { this.ws(); if (this.src.startsWith('&&', this.i)) { this.i += 2; const a = l, b = this.not(); l = (v, r) => truthy(a(v, r)) && truthy(b(v, r)); } else return l; }
  }
  private not(): Filter {
    this.ws();
    if (this.src[this.i] === '!' && this.src[this.i + 1] !== '=') { this.i++; const f = this.not(); return (v, r) => !truthy(f(v, r)); }
    return this.cmp();
  }
  private cmp(): Filter {
    const l = this.primary();
    this.ws();
    const m = /^(==|!=|<=|>=|<|>|=~)/.exec(this.src.slice(this.i));
    if (!m) return l;
    this.i += m[0].length;
    const r = this.primary();
    const op = m[0];
    return (v, root) => compare(op, l(v, root), r(v, root));
  }
  private primary(): Filter {
    this.ws();
    const c = this.src[this.i];
    if (c === '(') { this.i++; const f = this.expr(); this.ws(); this.expect(')'); return f; }
    if (c === '@' || c === '$') {
      this.i++;
      const save = this.multi;
      const steps = this.steps(true);
      this.multi = save;
      const fromRoot = c === '$';
      return (v, root) => {
        let cur: unknown = fromRoot ? root : v;
        for (const s of steps) {
          if (s.t !== 'key' && s.t !== 'idx') return undefined;
          try { cur = single(cur, s); } catch { return undefined; }
        }
        return cur;
      };
    }
    if (c === '"' || c === "'") { const s = this.string(); return () => s; }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(this.src.slice(this.i));
    if (m) {
      this.i += m[0].length;
      const val = m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : Number(m[0]);
      return () => val;
    }
    throw new Error(`parsing error: ${this.src} - unexpected ${JSON.stringify(c ?? 'EOF')}`);
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === '=~') return typeof a === 'string' && typeof b === 'string' && new RegExp(b).test(a);
  const x = num(a), y = num(b);
  if (x !== undefined && y !== undefined) {
    switch (op) {
      case '==': return x === y; case '!=': return x !== y; case '<': return x < y;
      case '<=': return x <= y; case '>': return x > y; case '>=': return x >= y;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') {
    switch (op) {
      case '==': return a === b; case '!=': return a !== b; case '<': return a < b;
      case '<=': return a <= b; case '>': return a > b; case '>=': return a >= b;
    }
  }
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  return false;
}
