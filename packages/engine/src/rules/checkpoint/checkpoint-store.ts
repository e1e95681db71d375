import { deserialize, serialize } from 'node:v8';
import type { KVStore } from '../../store/kv.js';

/** The KV namespace of checkpoints; the key is the rule id. */
export const CHECKPOINT_NS = 'checkpoint';
const VERSION = 1;

/** What one checkpoint holds. */
export interface Checkpoint {
  readonly version: 1;
  readonly ruleId: string;
  /** When it was taken (engine clock, ms). */
  readonly ts: number;
  /** The processor's `snapshot()` (undefined for a stateless rule). */
  readonly state: unknown;
  /** QoS 2: ids of the messages whose acknowledgement this checkpoint released. */
  readonly seen: readonly string[];
  /** Identifies the rule's SQL: state taken for another query is not restored. */
  readonly fingerprint: string;
}

/**
 * Reads and writes rule checkpoints in the metadata store. The state goes through V8
 * serialization (bigint, Date, Uint8Array and Map survive, unlike JSON) and is stored as
 * base64 inside a small JSON envelope. One `set` is one SQLite transaction, so a crash
 * mid-write leaves the previous checkpoint intact.
 */
export class CheckpointStore {
  constructor(private readonly kv: KVStore) {}

  save(cp: Omit<Checkpoint, 'version'>): void {
    const value = JSON.stringify({
      version: VERSION,
      ruleId: cp.ruleId,
      ts: cp.ts,
      state: cp.state === undefined ? null : serialize(cp.state).toString('base64'),
      seen: cp.seen,
      fingerprint: cp.fingerprint,
    });
    this.kv.transaction(() => this.kv.set(CHECKPOINT_NS, cp.ruleId, value));
  }

  /** The last checkpoint of a rule; throws when it exists but cannot be read. */
  load(ruleId: string): Checkpoint | undefined {
    const raw = this.kv.get(CHECKPOINT_NS, ruleId);
    if (raw === undefined) return undefined;
    const o = JSON.parse(raw) as { version?: unknown; ruleId: string; ts: number; state: string | null; seen?: string[]; fingerprint?: string };
    if (o.version !== VERSION) throw new Error(`checkpoint of rule ${ruleId} has unknown version ${String(o.version)}`);
    return {
      version: VERSION,
      ruleId: o.ruleId,
      ts: o.ts,
      state: o.state === null ? undefined : deserialize(Buffer.from(o.state, 'base64')),
      seen: o.seen ?? [],
      fingerprint: o.fingerprint ?? '',
    };
  }

  delete(ruleId: string): void {
    this.kv.delete(CHECKPOINT_NS, ruleId);
  }
}
