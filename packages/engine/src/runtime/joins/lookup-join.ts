import type { Row } from '@oort/sdk';
import type { Expr, SelectStatement } from '../../sql/ast.js';
import { oortError } from '../../errors.js';
import { compileExpr } from '../expr/compile.js';
import type { CompileScope } from '../expr/scope.js';
import type { EvalRow, Evaluator, Tuple } from '../tuple.js';

/** Asks a lookup table's source for the rows whose `keys` columns equal `values`. */
export type LookupFn = (table: string, fields: string[], keys: string[], values: unknown[]) => Promise<Row[]>;

interface LookupStep {
  readonly table: string;
  readonly left: boolean;
  readonly keys: string[];
  readonly values: Evaluator[];
  readonly on: Evaluator;
}

/**
 * Joins with lookup tables (eKuiper's LookupNode): for each row, the stream side of every
 * `table.col = expr` equality in ON (AND-combined) gives the key; the table's source is asked
 * for the matching rows. A nil key matches nothing. INNER drops rows without a match, LEFT keeps
 * them alone. The whole ON must hold on each merged row.
 */
export class LookupJoin {
  private readonly steps: LookupStep[];

  constructor(stmt: SelectStatement, lookupTables: ReadonlySet<string>, scope: CompileScope, private readonly now: () => number) {
    const nameOf = new Map<string, string>();
    for (const r of [stmt.from, ...stmt.joins.map((j) => j.source)]) {
      nameOf.set(r.name, r.name);
      if (r.alias) nameOf.set(r.alias, r.name);
    }
    this.steps = stmt.joins.filter((j) => lookupTables.has(j.source.name)).map((j) => {
      const table = j.source.name;
      if (j.type !== 'INNER' && j.type !== 'LEFT') throw oortError('PLAN', `only INNER and LEFT joins are supported with lookup table ${table}`);
      if (!j.on) throw oortError('PLAN', `a join with lookup table ${table} needs an ON condition`);
      const keys: string[] = [];
      const values: Evaluator[] = [];
      const visit = (e: Expr): void => {
        if (e.kind === 'ParenExpr') return visit(e.expr);
        if (e.kind !== 'BinaryExpr') return;
        if (e.op === 'AND') { visit(e.lhs); visit(e.rhs); return; }
        if (e.op !== '=') return;
        const side = (x: Expr): string | undefined => (x.kind === 'FieldRef' && x.stream && nameOf.get(x.stream) === table ? x.name : undefined);
        const l = side(e.lhs), r = side(e.rhs);
        if (l !== undefined && r === undefined) { keys.push(l); values.push(compileExpr(e.rhs, scope)); }
        else if (r !== undefined && l === undefined) { keys.push(r); values.push(compileExpr(e.lhs, scope)); }
      };
      visit(j.on);
      if (!keys.length) throw oortError('PLAN', `the ON condition of lookup table ${table} needs an equality between a column of ${table} and the stream`);
      return { table, left: j.type === 'LEFT', keys, values, on: compileExpr(j.on, scope) };
    });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Joins every row with each lookup table in turn. */
  async apply(rows: readonly EvalRow[], lookup: LookupFn): Promise<EvalRow[]> {
    let current = rows as EvalRow[];
    for (const s of this.steps) {
      const next: EvalRow[] = [];
      for (const r of current) {
        const values = s.values.map((v) => v(r));
        const found = values.some((v) => v === null || v === undefined) ? [] : await lookup(s.table, [], s.keys, values);
        let matched = false;
        for (const data of found) {
          const t: Tuple = { emitter: s.table, data, meta: {}, ts: this.now() };
          const merged = withPart(r, t);
          if (s.on(merged) === true) {
            matched = true;
            next.push(merged);
          }
        }
        if (!matched && s.left) next.push(withPart(r, undefined));
      }
      current = next;
    }
    return current;
  }
}

function withPart(r: EvalRow, t: Tuple | undefined): EvalRow {
  const parts: Record<string, Tuple | undefined> = r.parts ? { ...r.parts } : { [r.emitter]: r };
  if (t) parts[t.emitter] = t;
  const row: EvalRow = { data: r.data, meta: r.meta, ts: r.ts, emitter: r.emitter, parts };
  if (r.aliases) row.aliases = { ...r.aliases };
  return row;
}
