import type { ConnectorDef, Sink, Source } from '@oort/sdk';
import { FileSink, fileSinkSchema } from './file/file-sink.js';
import { FileSource, fileSourceSchema } from './file/file-source.js';
import { HttpPullSource, httpPullSourceSchema } from './httppull/httppull-source.js';
import { HttpPushSource, httpPushSourceSchema } from './httppush/httppush-source.js';
import { LogSink, logSinkSchema } from './log/log-sink.js';
import { MemorySink, memorySinkSchema } from './memory/memory-sink.js';
import { MemorySource, memorySourceSchema } from './memory/memory-source.js';
import { MqttSink, mqttSinkSchema } from './mqtt/mqtt-sink.js';
import { MqttSource, mqttSourceSchema } from './mqtt/mqtt-source.js';
import { NopSink, nopSinkSchema } from './nop/nop-sink.js';
import { RedisLookupSource, redisLookupSourceSchema } from './redis/redis-lookup-source.js';
import { RedisPubSink, redisPubSinkSchema } from './redis/redis-pub-sink.js';
import { RedisSink, redisSinkSchema } from './redis/redis-sink.js';
import { RedisSubSource, redisSubSourceSchema } from './redis/redis-sub-source.js';
import { RestSink, restSinkSchema } from './rest/rest-sink.js';
import { SimulatorSource, simulatorSourceSchema } from './simulator/simulator-source.js';
import { SqlSink, sqlSinkSchema } from './sql/sql-sink.js';
import { SqlSource, sqlSourceSchema } from './sql/sql-source.js';

export { memoryBus, MemoryBus } from './memory/bus.js';
export { compileTopicFilter } from './memory/topic-match.js';
export { HttpPushSource } from './httppush/httppush-source.js';

/** Sources every Oort build has, keyed by the stream's TYPE. */
export const builtinSources: Record<string, ConnectorDef<Source>> = {
  mqtt: { create: () => new MqttSource(), schema: mqttSourceSchema, about: 'Subscribe to MQTT topics' },
  memory: { create: () => new MemorySource(), schema: memorySourceSchema, about: 'Read rows published by other rules on in-process memory topics' },
  file: { create: () => new FileSource(), schema: fileSourceSchema, about: 'Read JSON, JSON-lines or CSV files' },
  httppush: { create: () => new HttpPushSource(), schema: httpPushSourceSchema, about: 'Receive data POSTed to an HTTP path' },
  httppull: { create: () => new HttpPullSource(), schema: httpPullSourceSchema, about: 'Poll an HTTP endpoint' },
  simulator: { create: () => new SimulatorSource(), schema: simulatorSourceSchema, about: 'Emit configured rows at an interval' },
  // stream TYPEs are lower-cased by the catalog, hence `redissub` for eKuiper's redisSub
  redis: { create: () => new RedisLookupSource(), schema: redisLookupSourceSchema, about: 'Redis lookup table: GET or LRANGE by key' },
  redissub: { create: () => new RedisSubSource(), schema: redisSubSourceSchema, about: 'Subscribe to Redis pub/sub channels' },
  sql: { create: () => new SqlSource(), schema: sqlSourceSchema, about: 'Poll or look up a MySQL, PostgreSQL or SQLite table' },
};

/** Sinks every Oort build has, keyed by the action's name. */
export const builtinSinks: Record<string, ConnectorDef<Sink>> = {
  mqtt: { create: () => new MqttSink(), schema: mqttSinkSchema, about: 'Publish results to an MQTT topic' },
  memory: { create: () => new MemorySink(), schema: memorySinkSchema, about: 'Publish rows to an in-process memory topic for other rules' },
  file: { create: () => new FileSink(), schema: fileSinkSchema, about: 'Append results to a file' },
  rest: { create: () => new RestSink(), schema: restSinkSchema, about: 'Send results to an HTTP endpoint' },
  log: { create: () => new LogSink(), schema: logSinkSchema, about: 'Write results to the log' },
  nop: { create: () => new NopSink(), schema: nopSinkSchema, about: 'Discard results' },
  redis: { create: () => new RedisSink(), schema: redisSinkSchema, about: 'Write results to Redis keys or lists' },
  redisPub: { create: () => new RedisPubSink(), schema: redisPubSinkSchema, about: 'Publish results to a Redis channel' },
  sql: { create: () => new SqlSink(), schema: sqlSinkSchema, about: 'Insert, update or delete rows of a MySQL, PostgreSQL or SQLite table' },
};
