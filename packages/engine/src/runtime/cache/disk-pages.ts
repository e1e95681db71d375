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
  private readonly insertLast: Database.Statement<[number, Buffer]>;
  private readonly insertFirst: Database.Statement<[number, Buffer]>;
  private readonly first: Database.Statement<[], { seq: number; n: number; data: Buffer }>;
  private readonly remove: Database.Statement<[number]>;
  private pageCount: number;
  private itemCount: number;

  private constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS page (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL, data BLOB NOT NULL)');
    // sequence numbers come from the table itself, so they stay unique even if a second
    // handle on the same file (an overlapping restart) added pages meanwhile
    this.insertLast = this.db.prepare('INSERT INTO page (seq, n, data) VALUES ((SELECT coalesce(max(seq), -1) + 1 FROM page), ?, ?)');
    this.insertFirst = this.db.prepare('INSERT INTO page (seq, n, data) VALUES ((SELECT coalesce(min(seq), 1) - 1 FROM page), ?, ?)');
    this.first = this.db.prepare('SELECT seq, n, data FROM page ORDER BY seq LIMIT 1');
    this.remove = this.db.prepare('DELETE FROM page WHERE seq = ?');
    const s = this.db.prepare('SELECT count(*) AS c, coalesce(sum(n), 0) AS n FROM page').get() as { c: number; n: number };
    this.pageCount = s.c;
    this.itemCount = s.n;
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
    this.insertLast.run(items.length, serialize(items));
    this.pageCount++;
    this.itemCount += items.length;
  }

  /** Adds a page before the first one. */
  prepend(items: SinkItem[]): void {
    if (!items.length) return;
    this.insertFirst.run(items.length, serialize(items));
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
