export { compileExpr, compileCondition } from './compile.js';
export { compileAnalyticStep, isIntrinsic } from './calls.js';
export { compileProjection, compileProjectionSet, findSetReturningField, selectAliases, withSelectAliases, type ProjectionOptions } from './projection.js';
export { compileOrderBy, compileSorter } from './sort.js';
export { collectAggregateCalls, collectAnalyticCalls, forEachCall, isAggregateQuery } from './walk.js';
export { describeExpr } from './describe.js';
export { applyBinary, valuesEqual } from './operators.js';
export { likeToRegExp } from './like.js';
export {
  AnalyticKeys, HitState, MapStateStore, defaultFunctionContext, simpleScope,
  type AliasBinding, type AnalyticCache, type CompileScope, type ResolvedFunction, type ScopeSource,
} from './scope.js';
export { compileWindowFunctionStep, findWindowFunctionCall, windowFunctionKey } from './window-functions.js';
