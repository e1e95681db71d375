import type { FunctionDef } from '@oort/sdk';
import type { Expr, SelectField, SelectStatement, SortField, TimeUnit } from '../../sql/ast.js';
import { getBuiltin } from '../../functions/registry.js';
import { compileExpr } from '../expr/compile.js';
import type { CompileScope, ResolvedFunction } from '../expr/scope.js';
import type { EvalRow, Evaluator } from '../tuple.js';
import { formatValue } from '../value.js';
import { snapRow, unsnapRow, type RowSnapshot } from './types.js';

/**
 * Incremental aggregation for tumbling windows (eKuiper's `enableIncrementalWindow`): a pure
 * aggregate query keeps one accumulator per group and aggregate call instead of every row.
 * The collection stage still runs, on one synthetic row per group: the group's first row
 * (its columns answer the dimensions, as in the row-keeping path) whose `meta` carries the
 * aggregate results, read by the MetaRefs the aggregate calls were rewritten to.
 */

const AGGS = new Set(['count', 'sum', 'avg', 'min', 'max']);
const INTRINSICS = new Set(['window_start', 'window_end']);
/** Meta keys of the rewritten aggregate calls (queries using meta() do not qualify). */
const KEY = '\u0000oort_agg_';

export interface AggSpec {
  readonly fn: 'count' | 'sum' | 'avg' | 'min' | 'max';
  /** The argument; undefined for `count(*)`. */
  readonly arg?: Expr;
  readonly key: string;
  readonly def: FunctionDef;
}

export interface IncrementalPlan {
  /** The statement with aggregate calls replaced by reads of the precomputed results. */
  readonly stmt: SelectStatement;
  readonly aggs: readonly AggSpec[];
  /** Bucket width (the window length): every tumbling window end is a multiple of it. */
  readonly period: number;
}

export interface PlanInput {
  stmt: SelectStatement;
  resolve: (name: string) => ResolvedFunction | undefined;
  /** WHERE runs before the window (else it would need the rows: not incremental). */
  whereBefore: boolean;
  /** Scan or lookup tables take part in the collection. */
  hasTables: boolean;
  /** Rule option `planOptimizeStrategy.enableIncrementalWindow` (default on). */
  enabled: boolean;
}

/** The plan when the query qualifies for incremental aggregation, else undefined. */
export function planIncrementalAgg(p: PlanInput): IncrementalPlan | undefined {
  const { stmt } = p;
  const w = stmt.window;
  if (!p.enabled || !w || w.type !== 'tumbling' || w.trigger || p.hasTables || stmt.joins.length) return undefined;
  if (stmt.where && !p.whereBefore) return undefined;
  const period = w.length ?? 0;
  if (!gridAligned(w.unit ?? 'SS', period)) return undefined;
  const aliases = new Set(stmt.fields.map((f) => f.alias).filter((a): a is string => a !== undefined));
  for (const d of stmt.dimensions) if (d.kind !== 'FieldRef' || aliases.has(d.name)) return undefined;
  const aggs: AggSpec[] = [];
  let bad = false;
  const rewrite = (e: Expr): Expr => {
    if (bad) return e;
    switch (e.kind) {
      case 'Call': {
        if (e.over) break;
        if (INTRINSICS.has(e.name) && e.args.length === 0) return e;
        if (!AGGS.has(e.name) || e.args.length !== 1) break;
        const def = p.resolve(e.name);
        if (!def || def !== getBuiltin(e.name)) break; // a user function shadowing a built-in
        const a = e.args[0]!;
        const star = a.kind === 'Wildcard' && e.name === 'count' && a.stream === undefined && !a.except.length && !a.replace.length;
        if (!star && (a.kind !== 'FieldRef' || aliases.has(a.name))) break;
        const key = `${KEY}${aggs.length}`;
        aggs.push({ fn: e.name as AggSpec['fn'], arg: star ? undefined : a, key, def });
        return { kind: 'MetaRef', pos: e.pos, name: key, path: [] };
      }
      case 'FieldRef': case 'IntegerLiteral': case 'NumberLiteral': case 'StringLiteral': case 'BooleanLiteral':
        return e;
      case 'ParenExpr':
        return { ...e, expr: rewrite(e.expr) };
      case 'BinaryExpr':
        return { ...e, lhs: rewrite(e.lhs), rhs: rewrite(e.rhs) };
      default:
        break;
    }
    bad = true;
    return e;
  };
  const fields: SelectField[] = stmt.fields.map((f) => (f.expr.kind === 'Wildcard' ? ((bad = true), f) : { ...f, expr: rewrite(f.expr) }));
  const having = stmt.having ? rewrite(stmt.having) : undefined;
  const orderBy: SortField[] = stmt.orderBy.map((s) => ({ ...s, expr: rewrite(s.expr) }));
  if (bad || aggs.length === 0) return undefined;
  return { stmt: { ...stmt, fields, having, orderBy }, aggs, period };
}

/**
 * True when every aligned window end is a multiple of the length (eKuiper aligns ends inside
 * the enclosing calendar unit, so the length must divide it); then a row's bucket
 * `floor(ts / length)` lies entirely inside one window.
 */
function gridAligned(unit: TimeUnit, length: number): boolean {
  const per: Record<TimeUnit, [number, number]> = { MS: [1, 1000], SS: [1000, 60], MI: [60_000, 60], HH: [3_600_000, 24], DD: [86_400_000, 1] };
  const [ms, within] = per[unit];
  const n = length / ms;
  return Number.isInteger(n) && n > 0 && within % n === 0;
}

// ------------------------------------------------------------------ accumulators

const NONE = 0, INT = 1, FLOAT = 2, STR = 3, LIST = 4;

/** One aggregate of one group, with eKuiper's typing: the first non-nil value decides the mode. */
class Acc {
  /** Non-nil values seen. */
  c = 0;
  mode = NONE;
  total: unknown = undefined;
  list?: unknown[];

  constructor(private readonly fn: AggSpec['fn']) {}

  add(v: unknown): void {
    if (v === null || v === undefined) return;
    const fn = this.fn;
    if (fn !== 'count') {
      if (this.mode === LIST) this.list!.push(v);
      else if (this.mode === NONE) this.first(v);
      else this.next(v);
    }
    this.c++;
  }

  private first(v: unknown): void {
    const t = typeof v;
    if (t === 'bigint') this.mode = INT;
    else if (t === 'number') this.mode = FLOAT;
    else if (t === 'string' && (this.fn === 'min' || this.fn === 'max')) this.mode = STR;
    else {
      this.mode = LIST;
      this.list = [v];
      return;
    }
    this.total = t === 'number' ? 0 + (v as number) : v; // 0 + v: the functions start from 0
  }

  private next(v: unknown): void {
    const t = typeof v;
    const m = this.mode;
    if (!(m === INT ? t === 'bigint' : m === FLOAT ? t === 'number' : t === 'string')) {
      // a value of another type: the functions' own conversions and errors decide, on the list
      this.list = this.values();
      this.mode = LIST;
      this.list.push(v);
      return;
    }
    switch (this.fn) {
      case 'min': if ((v as number) < (this.total as number)) this.total = v; break;
      case 'max': if ((v as number) > (this.total as number)) this.total = v; break;
      default: (this.total as number) += v as number;
    }
  }

  /** Values that give the same result as the ones added (for merging and the list mode). */
  values(): unknown[] {
    switch (this.mode) {
      case NONE: return [];
      case LIST: return this.list!.slice();
      default:
        if (this.fn !== 'avg') return [this.total];
        return [this.total, ...new Array<unknown>(this.c - 1).fill(this.mode === INT ? 0n : 0)];
    }
  }

  merge(o: Acc): void {
    if (this.fn === 'count') this.c += o.c;
    else for (const v of o.values()) this.add(v);
  }

  /** The result over a non-empty group. Throws the function's error in list mode. */
  result(def: FunctionDef): unknown {
    if (this.fn === 'count') return BigInt(this.c);
    switch (this.mode) {
      case NONE: return null;
      case LIST: return call(def, this.fn, this.list!);
      case INT: {
        if (this.fn === 'min' || this.fn === 'max') return this.total;
        const t = BigInt.asIntN(64, this.total as bigint);
        return this.fn === 'avg' ? t / BigInt(this.c) : t;
      }
      default:
        return this.fn === 'avg' ? (this.total as number) / this.c : this.total;
    }
  }

  snapshot(): unknown[] {
    return [this.c, this.mode, this.total, this.list];
  }

  static restore(fn: AggSpec['fn'], s: unknown[]): Acc {
    const a = new Acc(fn);
    [a.c, a.mode, a.total, a.list] = s as [number, number, unknown, unknown[] | undefined];
    return a;
  }
}

function call(def: FunctionDef, name: string, list: unknown[]): unknown {
  let r: unknown;
  try {
    r = def.exec({} as never, [list]);
  } catch (e) {
    throw new Error(`call func ${name} error: ${(e as Error).message}`);
  }
  if (r instanceof Error) throw new Error(`call func ${name} error: ${r.message}`);
  return r;
}

// ------------------------------------------------------------------ buckets

interface Group {
  first: EvalRow;
  rows: number;
  accs: Acc[];
}

/** The rows of one window-length slot of time, as groups, in arrival order. */
interface Bucket {
  key: number;
  minTs: number;
  groups: Map<string, Group>;
  error?: string;
}

/**
 * The accumulators of an incremental tumbling window, in arrival-ordered buckets of
 * `floor(ts / period)` so the window's scan (which rows meet the end, which are kept) works
 * on buckets exactly as it does on rows.
 */
export class AggStore {
  private buckets: Bucket[] = [];
  private readonly dims: Evaluator[];
  private readonly args: (Evaluator | undefined)[];
  private error: string | undefined;

  constructor(private readonly plan: IncrementalPlan, scope: CompileScope) {
    this.dims = plan.stmt.dimensions.map((d) => compileExpr(d, scope));
    this.args = plan.aggs.map((a) => (a.arg ? compileExpr(a.arg, scope) : undefined));
  }

  add(row: EvalRow): void {
    const key = Math.floor(row.ts / this.plan.period);
    let b = this.buckets[this.buckets.length - 1];
    if (!b || b.key !== key) {
      b = { key, minTs: row.ts, groups: new Map() };
      this.buckets.push(b);
    } else if (row.ts < b.minTs) {
      b.minTs = row.ts;
    }
    let gk = '';
    try {
      for (const d of this.dims) gk += formatValue(d(row)) + ',';
    } catch (e) {
      b.error ??= `run Group By error: ${(e as Error).message}`;
      return;
    }
    let g = b.groups.get(gk);
    if (!g) {
      g = { first: row, rows: 0, accs: this.plan.aggs.map((a) => new Acc(a.fn)) };
      b.groups.set(gk, g);
    }
    g.rows++;
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const ev = args[i];
      let v: unknown;
      if (ev === undefined) v = row.data; // count(*): every row counts
      else {
        try {
          v = ev(row);
        } catch (e) {
          b.error ??= `run Select error: ${(e as Error).message}`;
          continue;
        }
      }
      g.accs[i]!.add(v);
    }
  }

  /** `TimeWindow.earliest` over the buckets: the smallest ts in `(after, upTo]`. */
  earliest(after: number, upTo: number): number {
    let min = Number.MAX_SAFE_INTEGER;
    for (const b of this.buckets) if (b.minTs > after && b.minTs <= upTo && b.minTs < min) min = b.minTs;
    return min;
  }

  /**
   * The tumbling scan (`TimeWindow.collect` without overlap): the window holds the buckets
   * before `right`, the store keeps everything from the first bucket at or after it. Returns
   * one synthetic row per group (one row, possibly empty, without dimensions).
   */
  collect(right: number): EvalRow[] {
    const bs = this.buckets;
    const meet: Bucket[] = [];
    let keepFrom = -1;
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i]!;
      if ((b.key + 1) * this.plan.period <= right) meet.push(b);
      else if (keepFrom < 0) keepFrom = i;
    }
    this.buckets = keepFrom < 0 ? [] : bs.slice(keepFrom);
    for (const b of meet) if (b.error) this.error ??= b.error;
    let groups: Iterable<Group>;
    if (meet.length === 1) groups = meet[0]!.groups.values();
    else groups = this.merge(meet);
    const out: EvalRow[] = [];
    const aggs = this.plan.aggs;
    try {
      for (const g of groups) {
        const meta: Record<string, unknown> = {};
        for (let i = 0; i < aggs.length; i++) meta[aggs[i]!.key] = g.accs[i]!.result(aggs[i]!.def);
        out.push({ data: g.first.data, meta, ts: g.first.ts, emitter: g.first.emitter });
      }
    } catch (e) {
      this.error ??= `run Select error: ${(e as Error).message}`;
    }
    if (this.dims.length === 0 && out.length === 0) out.push({ data: {}, meta: {}, ts: right, emitter: '' });
    return out;
  }

  /** The failure of the last collected window, if any (the window then emits nothing). */
  takeError(): string | undefined {
    const e = this.error;
    this.error = undefined;
    return e;
  }

  private merge(bs: Bucket[]): Iterable<Group> {
    const m = new Map<string, Group>();
    for (const b of bs) {
      for (const [k, g] of b.groups) {
        let t = m.get(k);
        if (!t) m.set(k, (t = { first: g.first, rows: 0, accs: this.plan.aggs.map((a) => new Acc(a.fn)) }));
        t.rows += g.rows;
        for (let i = 0; i < t.accs.length; i++) t.accs[i]!.merge(g.accs[i]!);
      }
    }
    return m.values();
  }

  snapshot(): unknown {
    return this.buckets.map((b) => ({
      key: b.key,
      minTs: b.minTs,
      error: b.error,
      groups: [...b.groups].map(([k, g]) => [k, snapRow(g.first), g.rows, g.accs.map((a) => a.snapshot())]),
    }));
  }

  restore(s: unknown): void {
    const aggs = this.plan.aggs;
    this.buckets = (s as { key: number; minTs: number; error?: string; groups: [string, RowSnapshot, number, unknown[][]][] }[]).map((b) => ({
      key: b.key,
      minTs: b.minTs,
      error: b.error,
      groups: new Map(b.groups.map(([k, first, rows, accs]) => [k, { first: unsnapRow(first), rows, accs: accs.map((a, i) => Acc.restore(aggs[i]!.fn, a)) }])),
    }));
  }
}
