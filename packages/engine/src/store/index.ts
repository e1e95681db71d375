export type { KVStore } from './kv.js';
export { SqliteKV, openSqliteKV, DEFAULT_SQLITE_NAME } from './sqlite-kv.js';
export { MemoryKV } from './memory-kv.js';
export { openKVStore } from './open-kv-store.js';
