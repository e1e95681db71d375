export { buildApp, type BuildAppOptions } from './app.js';
export { startServer, type StartServerOptions, type RunningServer } from './server.js';
export { startBroker, parseServer, type BrokerHandle } from './broker.js';
export { consoleLogger } from './logger.js';
