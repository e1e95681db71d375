import { MemoryKV } from './memory-kv.js';
import { describeKVStoreContract } from './kv-contract.js';

describeKVStoreContract('MemoryKV', () => ({ store: new MemoryKV() }));
