import type { ConnectorDef, StreamContext } from '@oort/sdk';

/** Methods of sources and sinks whose first argument is the StreamContext. */
const CTX_METHODS = ['provision', 'connect', 'collect', 'pull', 'lookup', 'close'] as const;

/**
 * Makes the instances of an in-process connector see `ctx.rootPath` = the plugin's install
 * folder (where its `etc/` files are) when the engine's context has none, as isolated
 * runtimes already do. The derived context is built once per engine context (an instance
 * keeps the same one), so the per-message cost is an identity check.
 */
export function withRootPath<T extends object>(def: ConnectorDef<T>, rootPath: string): ConnectorDef<T> {
  const create = (): T => {
    const obj = def.create();
    let seen: StreamContext | undefined;
    let derived: StreamContext | undefined;
    const ctxOf = (ctx: StreamContext): StreamContext => {
      if (!ctx || ctx.rootPath) return ctx;
      if (ctx !== seen) {
        seen = ctx;
        derived = { ...ctx, rootPath };
      }
      return derived!;
    };
    const target = obj as Record<string, unknown>;
    for (const m of CTX_METHODS) {
      const fn = target[m];
      if (typeof fn !== 'function') continue;
      target[m] = (ctx: StreamContext, ...rest: unknown[]) => (fn as (...a: unknown[]) => unknown).call(obj, ctxOf(ctx), ...rest);
    }
    return obj;
  };
  return { ...def, create };
}
