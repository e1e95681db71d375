import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import type { SinkItem } from '@oort/sdk';

const FILE = 'pages.db';

/**
 * The disk tier of a sink cache: a FIFO of pages (arrays of sink items) in one SQLite file.
 * Items are encoded with V8's structured serialization, which keeps bigint, Date and
 * Uint8Array values as they are. Each page is one row, written in one statement, so a crash
 * leaves whole pages (WAL mode). Pages can be added at both ends: a stopping sink puts the
 * items it still holds in memory back in front of what is already on disk.
 */
export class DiskPages {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, number, Buffer]>;
  private readonly first: Database.Statement<[], { seq: number; n: number; data: Buffer }>;
  private readonly remove: Database.Statement<[number]>;
  private headSeq: number;
  private tailSeq: number;
  private pageCount: number;
  private itemCount: number;

  private constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS page (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL, data BLOB NOT NULL)');
    this.insert = this.db.prepare('INSERT INTO page (seq, n, data) VALUES (?, ?, ?)');
    this.first = this.db.prepare('SELECT seq, n, data FROM page ORDER BY seq LIMIT 1');
    this.remove = this.db.prepare('DELETE FROM page WHERE seq = ?');
    const s = this.db.prepare('SELECT count(*) AS c, coalesce(sum(n), 0) AS n, min(seq) AS lo, max(seq) AS hi FROM page').get() as {
      c: number; n: number; lo: number | null; hi: number | null;
    };
    this.pageCount = s.c;
    this.itemCount = s.n;
    this.headSeq = s.lo ?? 0;
    this.tailSeq = s.hi ?? -1;
  }

  /** Opens (creating when needed) the pages stored in `dir`. */
  static open(dir: string): DiskPages {
    return new DiskPages(dir);
  }

  /** True when `dir` holds a cache file left by an earlier run. */
  static exists(dir: string): boolean {
    return existsSync(join(dir, FILE));
  }

  get items(): number {
    return this.itemCount;
  }

  get pages(): number {
    return this.pageCount;
  }

  /** Adds a page after the last one. */
  append(items: SinkItem[]): void {
    if (!items.length) return;
    const data = serialize(items);
    this.insert.run(this.tailSeq + 1, items.length, data);
    this.tailSeq++;
    if (!this.pageCount) this.headSeq = this.tailSeq;
    this.pageCount++;
    this.itemCount += items.length;
  }

  /** Adds a page before the first one. */
  prepend(items: SinkItem[]): void {
    if (!items.length) return;
    if (!this.pageCount) return this.append(items);
    const data = serialize(items);
    this.insert.run(this.headSeq - 1, items.length, data);
    this.headSeq--;
    this.pageCount++;
    this.itemCount += items.length;
  }

  /** Removes and returns the first page. */
  shiftPage(): SinkItem[] | undefined {
    const row = this.first.get();
    if (!row) return undefined;
    this.remove.run(row.seq);
    this.pageCount--;
    this.itemCount -= row.n;
    this.headSeq = row.seq + 1;
    return deserialize(row.data) as SinkItem[];
  }

  /** Runs `fn` in one transaction (a stopping sink writes all its pages at once). */
  batch(fn: () => void): void {
    this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Closes the file and deletes the folder. */
  destroy(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
