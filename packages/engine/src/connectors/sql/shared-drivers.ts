import type { DbTarget } from './db-url.js';
import { openDriver, type SqlDriver } from './sql-driver.js';

interface Shared {
  driver: Promise<SqlDriver>;
  refs: number;
}

const shared = new Map<string, Shared>();

/** A reference to a pooled driver; `release` closes the pool when the last user is gone. */
export interface DriverLease {
  readonly driver: Promise<SqlDriver>;
  release(): Promise<void>;
}

/**
 * One connection pool per dburl for the whole process, as eKuiper shares SQL connections:
 * a lookup table used by a hundred rules opens one pool, not a hundred.
 */
export function leaseDriver(url: string, target: DbTarget): DriverLease {
  let s = shared.get(url);
  if (!s) {
    const entry: Shared = { driver: openDriver(target), refs: 0 };
    s = entry;
    shared.set(url, entry);
    // a pool that could not even be created is not kept for the next user
    entry.driver.catch(() => {
      if (shared.get(url) === entry) shared.delete(url);
    });
  }
  s.refs++;
  const entry = s;
  let released = false;
  return {
    driver: entry.driver,
    async release() {
      if (released) return;
      released = true;
      if (--entry.refs > 0) return;
      if (shared.get(url) === entry) shared.delete(url);
      const d = await entry.driver.catch(() => undefined);
      await d?.close();
    },
  };
}

/** How many pools are open (tests). */
export function sharedDriverCount(): number {
  return shared.size;
}
