import type { Logger } from '@oort/sdk';
import '../functions/index.js';
import { getBuiltin } from '../functions/registry.js';
import { Catalog } from '../catalog/catalog.js';
import { MemoryKV } from '../store/memory-kv.js';
import { compileSinkTransform } from '../template/sink-transform.js';
import type { RuleTestEnv } from '../ruletest/run-rule-test.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A rule-test environment with an empty catalog and the built-in functions only. */
export function ruleTestEnv(opts: { ignoreCase?: boolean } = {}): RuleTestEnv {
  return {
    catalog: new Catalog(new MemoryKV()),
    logger: quiet,
    defaults: {},
    resolveFunction: (name) => getBuiltin(name),
    resolvePluginFunction: () => undefined,
    sinkTransform: (props, kind) => compileSinkTransform(props, kind),
    ignoreCase: opts.ignoreCase ?? false,
  };
}
