import type { Row } from '@oort/sdk';
import { oortError } from '../../errors.js';
import type { SelectField } from '../../sql/ast.js';
import { EvalError, type EvalRow, type Evaluator } from '../tuple.js';
import { isMap } from '../value.js';
import { compileExpr } from './compile.js';
import { describeExpr } from './describe.js';
import { compileWildcardValue, defaultStreamOf } from './fields.js';
import { resolveIn, type AliasBinding, type CompileScope } from './scope.js';

export interface ProjectionOptions {
  /** eKuiper rule option `sendNilField`: keep nil columns (as null) in the output. */
  readonly sendNilField: boolean;
}

/**
 * Alias bindings for the aliased SELECT fields. Each alias compiles lazily against a scope
 * without itself (inside `abs(a) AS a`, `a` is the column), so aliases may use later
 * aliases; a cycle is a plan error.
 */
export function selectAliases(fields: readonly SelectField[], scope: CompileScope): Map<string, AliasBinding> {
  const map = new Map<string, AliasBinding>();
  for (const f of fields) {
    if (f.alias === undefined || f.expr.kind === 'Wildcard') continue;
    const alias = f.alias;
    let state: 'new' | 'compiling' | 'done' = 'new';
    let ev: Evaluator | undefined;
    map.set(alias, {
      evaluator: () => {
        if (state === 'done') return ev!;
        if (state === 'compiling') throw oortError('PLAN', `cyclic alias ${alias}`);
        state = 'compiling';
        const visible = new Map(map);
        visible.delete(alias);
        try {
          ev = compileExpr(f.expr, { ...scope, aliases: visible });
        } finally {
          state = ev ? 'done' : 'new';
        }
        return ev;
      },
    });
  }
  return map;
}

/** The scope WHERE / HAVING / ORDER BY compile in: every SELECT alias is visible. */
export function withSelectAliases(scope: CompileScope, fields: readonly SelectField[]): CompileScope {
  return { ...scope, aliases: selectAliases(fields, scope) };
}

type Step =
  | { kind: 'wildcard'; ev: Evaluator }
  | { kind: 'value'; name: string; ev: Evaluator; alias?: string; emit: boolean; multi: boolean; describe: string; errName?: string };

/**
 * Builds the output row of a SELECT list: wildcards (`*`, `s.*`, EXCEPT, REPLACE; on a
 * name clash the earlier wildcard / source wins), then the other fields in order, which
 * override wildcard columns. Aliases are computed once per row into a fresh
 * `row.aliases` (restored afterwards) so later fields reuse them. INVISIBLE fields are
 * computed only when aliased (others may use them) and never emitted. Nil values are left
 * out unless `sendNilField`. An error is thrown as EvalError with eKuiper's text
 * (`alias: c expr: ... meet error, err:...`); the runtime prefixes "run Select error: ".
 */
export function compileProjection(fields: readonly SelectField[], scope: CompileScope, opts: ProjectionOptions): (row: EvalRow) => Row {
  const aliases = selectAliases(fields, scope);
  const defaultStream = defaultStreamOf(scope);
  const steps: Step[] = [];
  for (const f of fields) {
    if (f.expr.kind === 'Wildcard') {
      if (f.invisible) continue;
      const fscope = { ...scope, aliases };
      steps.push({ kind: 'wildcard', ev: compileWildcardValue(f.expr, fscope, (r) => compileExpr(r.expr, fscope)) });
      continue;
    }
    if (f.invisible && f.alias === undefined) continue;
    let ev: Evaluator;
    if (f.alias !== undefined) {
      ev = aliases.get(f.alias)!.evaluator!();
    } else {
      ev = compileExpr(f.expr, { ...scope, aliases });
    }
    const multi = f.expr.kind === 'Call' && kindOf(scope, f.expr.name) === 'multicol';
    steps.push({
      kind: 'value', name: f.alias ?? f.name, ev, alias: f.alias, emit: !f.invisible, multi,
      describe: describeExpr(f.expr, defaultStream),
      // eKuiper names an unaliased call field like an alias in its error texts
      errName: f.alias ?? (f.expr.kind === 'Call' ? f.name : undefined),
    });
  }
  const sendNil = opts.sendNilField;
  const usesAliases = steps.some((s) => s.kind === 'value' && s.alias !== undefined);
  return (row) => {
    const saved = row.aliases;
    // only a SELECT with aliases needs the per-row alias map (and touches the row)
    const local: Row | undefined = usesAliases ? (saved ? { ...saved } : {}) : undefined;
    if (local) row.aliases = local;
    const out: Row = {};
    try {
      for (const s of steps) {
        if (s.kind === 'wildcard') {
          const m = s.ev(row) as Row;
          for (const k in m) if (!Object.hasOwn(out, k)) out[k] = m[k];
        }
      }
      for (const s of steps) {
        if (s.kind !== 'value') continue;
        let v: unknown;
        try {
          v = s.ev(row);
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
          const msg = s.errName !== undefined
            ? `alias: ${s.errName} expr: ${s.describe} meet error, err:${err.message}`
            : `expr: ${s.describe} meet error, err:${err.message}`;
          throw new EvalError(msg);
        }
        if (local !== undefined && s.alias !== undefined) local[s.alias] = v ?? null;
        if (!s.emit) continue;
        if (s.multi && isMap(v)) {
          Object.assign(out, v);
        } else if (v !== null && v !== undefined) {
          out[s.name] = v;
        } else if (sendNil) {
          out[s.name] = null;
        }
      }
    } finally {
      if (local) row.aliases = saved;
    }
    return out;
  };
}

function kindOf(scope: CompileScope, name: string): string | undefined {
  const f = resolveIn(scope, name);
  if (!f) return undefined;
  return 'kind' in f ? (f as { kind: string }).kind : f.type;
}

/** The SELECT field holding a set-returning call (unnest, extract), if any. */
export function findSetReturningField(fields: readonly SelectField[], scope: CompileScope): SelectField | undefined {
  return fields.find((f) => f.expr.kind === 'Call' && kindOf(scope, f.expr.name) === 'srf');
}

/**
 * Projection with a set-returning function (eKuiper's ProjectSet): one output row per element
 * of the function's array; a map element is spread into columns, any other element goes to
 * the function's column; the other columns repeat. Without a set-returning field it returns
 * the single projected row. Errors keep eKuiper's texts (without a stage prefix).
 */
export function compileProjectionSet(fields: readonly SelectField[], scope: CompileScope, opts: ProjectionOptions): (row: EvalRow) => Row[] {
  const project = compileProjection(fields, scope, opts);
  const srf = findSetReturningField(fields, scope);
  if (!srf) return (row) => [project(row)];
  const col = srf.alias ?? srf.name;
  return (row) => {
    const out = project(row);
    if (!Object.hasOwn(out, col)) throw new EvalError(`can't find the result from the ${col} function`);
    const values = out[col];
    if (!Array.isArray(values)) throw new EvalError(`the argument for the ${col} function should be array`);
    const rows: Row[] = [];
    for (const v of values) {
      const r: Row = { ...out };
      delete r[col];
      if (isMap(v)) Object.assign(r, v);
      else r[col] = v;
      rows.push(r);
    }
    return rows;
  };
}
