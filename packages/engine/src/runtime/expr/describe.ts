import type { Expr } from '../../sql/ast.js';
import { formatFloat } from '../value.js';

/**
 * eKuiper's `Expr.String()` debug text, which its runtime errors embed, e.g.
 * `alias: c expr: binaryExpr:{ ldemo.size * 5 } meet error, err:...`. `defaultStream`
 * qualifies unqualified columns the way eKuiper's analyzer binds them.
 */
export function describeExpr(e: Expr, defaultStream?: string): string {
  const d = (x: Expr): string => describeExpr(x, defaultStream);
  switch (e.kind) {
    case 'IntegerLiteral': return e.value.toString();
    case 'NumberLiteral': return formatFloat(e.value);
    case 'StringLiteral': return e.value;
    case 'BooleanLiteral': return e.value ? 'true' : 'false';
    case 'TimeUnitLiteral': return e.unit;
    case 'FieldRef': {
      const s = e.stream ?? defaultStream;
      return s ? `${s}.${e.name}` : e.name;
    }
    case 'Wildcard': return '*';
    case 'MetaRef': return `metaRef:{ ${e.stream ? `streamName:${e.stream}, ` : ''}fieldName:${e.name} }`;
    case 'BinaryExpr': return `binaryExpr:{ ${d(e.lhs)} ${e.op} ${d(e.rhs)} }`;
    case 'ParenExpr': return `parenExpr:{ ${d(e.expr)} }`;
    case 'JsonAccess': return `binaryExpr:{ ${d(e.expr)} -> jsonFieldName:${e.key} }`;
    case 'IndexExpr': return `binaryExpr:{ ${d(e.expr)}[${d(e.index)}] }`;
    case 'SliceExpr': {
      const s = e.start ? `start:{ ${d(e.start)} }` : '';
      const en = e.end ? `${e.start ? ', ' : ''}end:{ ${d(e.end)} }` : '';
      return `binaryExpr:{ ${d(e.expr)}[ColonExpr:{ ${s}${en} }] }`;
    }
    case 'Call': {
      const args = e.args.length ? `, args:[${e.args.map(d).join(', ')}]` : '';
      const when = e.over?.when ? `, when:{ ${d(e.over.when)} }` : '';
      return `Call:{ name:${e.name}${args}${when} }`;
    }
    case 'CaseExpr': {
      const v = e.value ? `value:{ ${d(e.value)} }` : '';
      const w = e.whens.length
        ? `${e.value ? ', ' : ''}whenClauses:[${e.whens.map((x) => `{ whenClause:{ ${d(x.when)} } }`).join(', ')}]`
        : '';
      return `caseExprValue:{ ${v}${w} }`;
    }
    case 'InExpr': {
      const rhs = e.list
        ? `valueSetExpr:{ literalExprs:[${e.list.map(d).join(', ')}] }`
        : `valueSetExpr:{ arrayExpr:{ ${e.array ? d(e.array) : ''} } }`;
      return `binaryExpr:{ ${d(e.expr)} ${e.not ? 'NOT IN' : 'IN'} ${rhs} }`;
    }
    case 'BetweenExpr':
      return `binaryExpr:{ ${d(e.expr)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} betweenExpr:{ ${d(e.low)}, ${d(e.high)} } }`;
    case 'LikeExpr':
      return `binaryExpr:{ ${d(e.expr)} ${e.not ? 'NOT LIKE' : 'LIKE'} likePattern:${d(e.pattern)} }`;
  }
}
