import type { RulePlan } from './rule-plan.js';
import { printExpr } from '../sql/index.js';

/**
 * The logical plan as text, one operator per line, children indented (eKuiper prints the
 * same shape: `{"op":"ProjectPlan_0","info":"..."}`).
 */
export function explainPlan(plan: RulePlan): string {
  const { stmt } = plan;
  const ops: { op: string; info: string }[] = [];
  ops.push({ op: 'ProjectPlan', info: `Fields:[ ${stmt.fields.map((f) => (f.alias ? `${printExpr(f.expr)} AS ${f.alias}` : printExpr(f.expr))).join(', ')} ]` });
  if (stmt.limit !== undefined) ops[0]!.info += `, Limit:${stmt.limit}`;
  if (stmt.orderBy.length) ops.push({ op: 'OrderPlan', info: `SortFields:[ ${stmt.orderBy.map((s) => `${printExpr(s.expr)} ${s.ascending ? 'ASC' : 'DESC'}`).join(', ')} ]` });
  if (stmt.having) ops.push({ op: 'HavingPlan', info: `Condition:{ ${printExpr(stmt.having)} }` });
  if (plan.aggregate && stmt.dimensions.length) ops.push({ op: 'AggregatePlan', info: `Dimension:{ ${stmt.dimensions.map(printExpr).join(', ')} }` });
  if (stmt.where) ops.push({ op: 'FilterPlan', info: `Condition:{ ${printExpr(stmt.where)} }` });
  for (const j of [...stmt.joins].reverse()) ops.push({ op: 'JoinPlan', info: `${j.type} JOIN ${j.source.name}${j.on ? ` ON ${printExpr(j.on)}` : ''}` });
  if (stmt.window) ops.push({ op: 'WindowPlan', info: `{ windowType:${stmt.window.type.toUpperCase()}, length:${stmt.window.length ?? ''}, interval:${stmt.window.interval ?? ''} }` });
  const lines = ops.map((o, i) => `${'   '.repeat(i)}{"op":"${o.op}_${i}","info":${JSON.stringify(o.info)}}`);
  const depth = ops.length;
  plan.streams.forEach((s, i) => {
    const fields = s.fields ? s.fields.map((f) => f.name).join(', ') : '';
    lines.push(`${'   '.repeat(depth)}{"op":"DataSourcePlan_${depth + i}","info":${JSON.stringify(`StreamName: ${s.name}, StreamFields:[ ${fields} ]`)}}`);
  });
  return lines.join('\n') + '\n';
}
