import { oortError } from '../errors.js';
import { parseSelect } from '../sql/index.js';

/** One output column of a rule, as eKuiper's `GET /rules/{id}/schema` shows it (`ast.JsonStreamField`). */
export interface SinkSchemaField {
  hasIndex: true;
  index: number;
}

/**
 * The output columns of a rule's SELECT, in order: every visible field by its output name
 * (alias, column, function name or `kuiper_field_<n>`); `*` adds nothing, as in eKuiper's
 * planner (`getSinkSchema`). A name given twice is an error, as there.
 *
 * @example
 * ruleSinkSchema('SELECT a, b + 1 AS c, count(*) FROM s'); // {a:{hasIndex:true,index:0}, c:{…index:1}, count:{…index:2}}
 */
export function ruleSinkSchema(sql: string): Record<string, SinkSchemaField> {
  const stmt = parseSelect(sql);
  const out: Record<string, SinkSchemaField> = {};
  let i = 0;
  for (const f of stmt.fields) {
    if (f.name === '*' || f.expr.kind === 'Wildcard' || f.invisible) continue;
    if (out[f.name] !== undefined) throw oortError('PLAN', `duplicate field definition ${f.name}`);
    out[f.name] = { hasIndex: true, index: i++ };
  }
  return out;
}
