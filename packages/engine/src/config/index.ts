export type { OortConfig, DeepPartial, Duration, LogLevel, BrokerMode, StoreType, RestartStrategyConfig } from './oort-config.js';
export { defaultConfig } from './oort-config.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { parseDuration, isDuration } from './duration.js';
export { loadSourceConfs, resolveSourceConf, type SourceConfs, type ConfProps } from './source-confs.js';
