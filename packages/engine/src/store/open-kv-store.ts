import type { OortConfig } from '../config/oort-config.js';
import type { KVStore } from './kv.js';
import { MemoryKV } from './memory-kv.js';
import { openSqliteKV } from './sqlite-kv.js';

/** Opens the metadata store the configuration asks for (`store.type`). */
export function openKVStore(dataDir: string, store: OortConfig['store']): KVStore {
  switch (store.type) {
    case 'memory':
      return new MemoryKV();
    case 'sqlite':
      return openSqliteKV(dataDir, store.sqlite.name);
  }
}
