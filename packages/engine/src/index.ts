export * from './api.js';
export * from './errors.js';
export { Engine, openEngine, type EngineOptions } from './engine.js';
export * from './config/index.js';
export { ManualClock, SystemClock } from './runtime/clock.js';
export { ConsoleLogger } from './runtime/logger.js';
export { PushServer } from './connectors/httppush/push-server.js';
export { isPrivateAddress } from './net/private-address.js';
export { maskDeep, restoreMasked, MASK } from './catalog/secrets.js';
