import type { SchemaMap } from './types.js';

/**
 * Action properties the engine itself consumes for every sink (eKuiper's common sink
 * properties, props.go): a plugin property of the same name would receive the engine's
 * meaning as well (batching, templating, encoding...), which is rarely what its author meant.
 */
export const COMMON_SINK_PROPS: readonly string[] = [
  'bufferLength',
  'batchSize',
  'lingerInterval',
  'sendSingle',
  'omitIfEmpty',
  'dataTemplate',
  'fields',
  'excludeFields',
  'dataField',
  'format',
  'schemaId',
  'delimiter',
  'hasHeader',
  'compression',
  'encryption',
  'concurrency',
  'runAsync',
  'enableCache',
  'memoryCacheThreshold',
  'maxDiskCache',
  'bufferPageSize',
  'resendInterval',
  'cleanCacheAtStop',
  'resendAlterQueue',
  'resendPriority',
  'resendIndicatorField',
  'resendDestination',
  'retryInterval',
  'retryCount',
  'resourceId',
  'connectionSelector',
];

const COMMON_LOWER = new Map(COMMON_SINK_PROPS.map((p) => [p.toLowerCase(), p]));

/**
 * Warnings for sink schema properties named like an engine-level sink property (compared
 * ignoring case, as action properties are matched loosely). Install goes on: the engine
 * still applies its meaning, and the plugin also receives the value.
 */
export function sinkPropCollisions(pluginName: string, sinks: readonly string[], schema: SchemaMap | undefined): string[] {
  const out: string[] = [];
  for (const sink of sinks) {
    const props = schema?.[sink];
    if (!props) continue;
    for (const p of Object.keys(props)) {
      const common = COMMON_LOWER.get(p.toLowerCase());
      if (common) {
        out.push(
          `plugin ${pluginName}: sink ${sink} declares property "${p}", which is also the engine's common sink property "${common}"; ` +
            `the engine applies it to every sink (and passes it on), so rename the plugin's property`,
        );
      }
    }
  }
  return out;
}
