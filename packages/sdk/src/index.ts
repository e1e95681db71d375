export * from './values.js';
export * from './context.js';
export * from './errors.js';
export * from './schema.js';
export * from './source.js';
export * from './sink.js';
export * from './function.js';
export * from './plugin.js';
