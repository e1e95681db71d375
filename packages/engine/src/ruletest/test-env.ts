import type { Clock, ConnectorDef, Logger, Row, SinkItem, Source } from '@oort/sdk';
import type { Catalog } from '../catalog/catalog.js';
import { ConfKeys } from '../catalog/conf-keys.js';
import { MemoryKV } from '../store/memory-kv.js';
import { SourcePool } from '../runtime/source-pool.js';
import type { ResolvedFunction } from '../runtime/expr/scope.js';
import type { RuleOptions } from '../rules/rule-def.js';
import { MockSource } from './mock-source.js';

/** What rule test runs need from the engine (they bring their own simulated clock). */
export interface RuleTestEnv {
  catalog: Catalog;
  logger: Logger;
  defaults: Partial<RuleOptions>;
  resolveFunction(name: string): ResolvedFunction | undefined;
  resolvePluginFunction(name: string): unknown;
  sinkTransform(props: Record<string, unknown>, kind: 'bytes' | 'tuple'): (rows: Row[]) => SinkItem[];
  ignoreCase: boolean;
}

/** Trial runs use the engine's clock. */
export type TrialEnv = RuleTestEnv & { clock: Clock };

const mockDef: ConnectorDef<Source> = { create: () => new MockSource() };

/** A source pool whose every stream, whatever its TYPE, is a MockSource fed by the caller. */
export function mockSourcePool(clock: Clock, logger: Logger): SourcePool {
  return new SourcePool({
    clock,
    logger,
    confKeys: new ConfKeys(new MemoryKV()),
    resolveSource: () => mockDef,
    globalProps: {},
    typeDefaults: {},
  });
}
