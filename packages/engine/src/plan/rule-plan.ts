import type { SelectStatement } from '../sql/ast.js';
import type { StreamDef } from '../catalog/stream-def.js';

/** The analysed query of a rule: what the lowering step turns into a running topology. */
export interface RulePlan {
  readonly stmt: SelectStatement;
  /** FROM source first, then JOIN sources, in query order. */
  readonly streams: readonly StreamDef[];
  /** SELECT has an aggregate call, or GROUP BY has non-window dimensions. */
  readonly aggregate: boolean;
}
