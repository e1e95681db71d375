import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, type Row, type Source, type SourceIO, type StreamContext, type TimerHandle } from '@oort/sdk';
import { createTestContext, describeSinkContract, describeSourceContract, RecordingIO } from '@oort/sdk/testing';
import { parseDbUrl, type Dialect } from './db-url.js';
import { describeLookupContract } from './lookup-contract.js';
import { openDriver, type SqlDriver } from './sql-driver.js';
import { sharedDriverCount } from './shared-drivers.js';
import { SqlSink } from './sql-sink.js';
import { SqlSource } from './sql-source.js';

const sqliteFile = join(tmpdir(), `oort-sql-${randomBytes(4).toString('hex')}.db`);
const BACKENDS: { name: Dialect; url: string }[] = [
  { name: 'sqlite', url: `sqlite:${sqliteFile}` },
  { name: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
  { name: 'postgres', url: 'postgres://root@127.0.0.1:5432/test' },
];
const DOUBLE: Record<Dialect, string> = { sqlite: 'REAL', mysql: 'DOUBLE', postgres: 'DOUBLE PRECISION' };
const TIMESTAMP: Record<Dialect, string> = { sqlite: 'TEXT', mysql: 'DATETIME(3)', postgres: 'TIMESTAMP(3)' };

let n = 0;
const run = randomBytes(3).toString('hex');
const uniqTable = () => `oort_t_${run}_${n++}`;

/** Admin connections and the tables to drop at the end, per backend. */
const admins = new Map<Dialect, { db: SqlDriver; tables: string[] }>();
async function admin(b: (typeof BACKENDS)[number]): Promise<{ db: SqlDriver; tables: string[] } | string> {
  const known = admins.get(b.name);
  if (known) return known;
  const db = await openDriver(parseDbUrl(b.url));
  try {
    await db.ping();
  } catch (e) {
    await db.close();
    return `${b.name} at ${b.url} is down (${(e as Error).message})`;
  }
  const a = { db, tables: [] as string[] };
  admins.set(b.name, a);
  return a;
}
after(async () => {
  for (const a of admins.values()) {
    for (const t of a.tables) await a.db.execAll([{ sql: `DROP TABLE IF EXISTS ${t}`, params: [] }]).catch(() => {});
    await a.db.close();
  }
  rmSync(sqliteFile, { force: true });
});

/** Emulates the engine's pull timer, so the source contract suite can drive a pull source. */
class Pulled implements Source {
  private timer: TimerHandle | undefined;
  constructor(private readonly inner: SqlSource) {}
  provision(ctx: StreamContext, props: Record<string, unknown>) {
    return this.inner.provision(ctx, props);
  }
  async connect(ctx: StreamContext, io: SourceIO): Promise<void> {
    await this.inner.connect(ctx, io);
    this.timer = ctx.clock.setInterval(() => void this.inner.pull(ctx, ctx.clock.now(), io).catch((e: Error) => io.error(e)), 20);
  }
  async close(ctx: StreamContext): Promise<void> {
    this.timer?.cancel();
    await this.inner.close(ctx);
  }
}

for (const b of BACKENDS) {
  const found = await admin(b);
  if (typeof found === 'string') {
    if (process.env.CI === 'true') throw new Error(`${found}; CI=true requires it`);
    console.log(`skipping sql tests on ${b.name}: ${found}`);
    describe(`sql connectors on ${b.name}`, { skip: found }, () => {});
    continue;
  }
  const setup = found;
  const d = b.name;
  const exec = (sql: string, params: unknown[] = []) => setup.db.execAll([{ sql, params }]);
  const select = (sql: string) => setup.db.query(sql, []);

  async function readingsTable(): Promise<string> {
    const t = uniqTable();
    setup.tables.push(t);
    await exec(`CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name VARCHAR(64), price ${DOUBLE[d]}, ts ${TIMESTAMP[d]})`);
    return t;
  }

  describe(`sql source on ${d}`, () => {
    it('pulls rows in index order, a limit at a time, and only new rows on later pulls', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name, price) VALUES (1, 'a', 1.5), (2, 'b', 2.5), (3, 'c', 3.5)`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, { dburl: b.url, datasource: t, internalSqlQueryCfg: { limit: 2, indexFields: [{ indexField: 'id', indexValue: 0 }] } });
      const io = new RecordingIO();
      try {
        await src.connect(ctx, io);
        await src.pull(ctx, 1000, io);
        assert.deepEqual(io.rows().map((r) => r.id), [1n, 2n]);
        const first = io.rows()[0]!;
        assert.equal(first.name, 'a');
        assert.equal(first.price, 1.5);
        assert.equal(io.received[0]!.ts, 1000);
        await src.pull(ctx, 2000, io);
        assert.deepEqual(io.rows().map((r) => r.id), [1n, 2n, 3n]);
        await src.pull(ctx, 3000, io);
        assert.equal(io.rows().length, 3);
        await exec(`INSERT INTO ${t} (id, name) VALUES (4, 'd')`);
        await src.pull(ctx, 4000, io);
        assert.deepEqual(io.rows().map((r) => r.id), [1n, 2n, 3n, 4n]);
        assert.deepEqual(src.offset(), { id: 4n });
        src.rewind({ id: 1n });
        await src.pull(ctx, 5000, io);
        assert.deepEqual(io.rows().slice(4).map((r) => r.id), [2n, 3n]);
      } finally {
        await src.close(ctx);
      }
    });

    it('stops a pull when the engine queue is full and reads on from there next time', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, { dburl: b.url, datasource: t, internalSqlQueryCfg: { indexFields: [{ indexField: 'id' }] } });
      const io = new RecordingIO();
      try {
        io.accept = false;
        await src.pull(ctx, 0, io);
        assert.deepEqual(io.rows().map((r) => r.id), [1n]);
        io.accept = true;
        await src.pull(ctx, 0, io);
        assert.deepEqual(io.rows().map((r) => r.id), [1n, 2n, 3n]);
      } finally {
        await src.close(ctx);
      }
    });

    it('reads the whole table on every pull without index fields', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name) VALUES (1, 'a'), (2, 'b')`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, { dburl: b.url, datasource: t });
      const io = new RecordingIO();
      try {
        await src.pull(ctx, 0, io);
        await src.pull(ctx, 0, io);
        assert.equal(io.rows().length, 4);
      } finally {
        await src.close(ctx);
      }
    });

    it('runs a templateSql with the index value bound as a parameter', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, {
        dburl: b.url,
        templateSqlQueryCfg: { templateSql: `SELECT id, name FROM ${t} WHERE id > '{{.id}}' ORDER BY id`, indexFields: [{ indexField: 'id', indexValue: 1 }] },
      });
      const io = new RecordingIO();
      try {
        await src.pull(ctx, 0, io);
        assert.deepEqual(io.rows(), [{ id: 2n, name: 'b' }, { id: 3n, name: 'c' }]);
        await src.pull(ctx, 0, io);
        assert.equal(io.rows().length, 2);
      } finally {
        await src.close(ctx);
      }
    });

    it('reads datetime index columns incrementally', async () => {
      const t = await readingsTable();
      const iso = (s: string) => (d === 'sqlite' ? s : new Date(s));
      await exec(`INSERT INTO ${t} (id, ts) VALUES (1, ${d === 'postgres' ? '$1' : '?'}), (2, ${d === 'postgres' ? '$2' : '?'})`, [iso('2024-01-01T00:00:00.000Z'), iso('2024-01-02T00:00:00.000Z')]);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, { dburl: b.url, datasource: t, internalSqlQueryCfg: { indexFields: [{ indexField: 'ts', indexValue: '2024-01-01T12:00:00.000Z', indexFieldType: d === 'sqlite' ? undefined : 'DATETIME' }] } });
      const io = new RecordingIO();
      try {
        await src.pull(ctx, 0, io);
        assert.deepEqual(io.rows().map((r) => r.id), [2n]);
        if (d !== 'sqlite') assert.ok(io.rows()[0]!.ts instanceof Date);
      } finally {
        await src.close(ctx);
      }
    });

    it('binds a DATETIME index value as text in its dateTimeFormat', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, ts) VALUES (1, '2024-01-01 00:00:00'), (2, '2024-01-02 00:00:00'), (3, '2024-01-03 00:00:00')`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, {
        dburl: b.url,
        datasource: t,
        internalSqlQueryCfg: { limit: 1, indexFields: [{ indexField: 'ts', indexValue: '2024-01-01 12:00:00', indexFieldType: 'DATETIME', dateTimeFormat: 'YYYY-MM-dd HH:mm:ss' }] },
      });
      const io = new RecordingIO();
      try {
        await src.pull(ctx, 0, io);
        await src.pull(ctx, 0, io);
        await src.pull(ctx, 0, io);
        assert.deepEqual(io.rows().map((r) => r.id), [2n, 3n]);
      } finally {
        await src.close(ctx);
      }
    });

    it('refuses a table name that is not an identifier', () => {
      assert.throws(() => new SqlSource().provision(createTestContext(), { dburl: b.url, datasource: 'x; DROP TABLE y' }), ConfigError);
    });
  });

  describe(`sql lookup on ${d}`, () => {
    it('binds values, so a crafted value matches nothing, and refuses a crafted key name', async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name) VALUES (1, 'a'), (2, 'b')`);
      const src = new SqlSource();
      const ctx = createTestContext();
      src.provision(ctx, { dburl: b.url, datasource: t });
      try {
        assert.deepEqual(await src.lookup(ctx, [], ['name'], ["a' OR '1'='1"]), []);
        await assert.rejects(src.lookup(ctx, [], ['id = id OR 1'], [1]), ConfigError);
        assert.deepEqual(await src.lookup(ctx, ['id', 'name'], ['id', 'name'], [2, 'b']), [{ id: 2n, name: 'b' }]);
        assert.deepEqual(await src.lookup(ctx, [], ['id'], [null]), []);
      } finally {
        await src.close(ctx);
      }
    });
  });

  describeLookupContract(`sql on ${d}`, () => new SqlSource(), {
    key: 'id',
    props: async () => {
      const t = uniqTable();
      setup.tables.push(t);
      await exec(`CREATE TABLE ${t} (id BIGINT PRIMARY KEY, name VARCHAR(64))`);
      return { dburl: b.url, datasource: t };
    },
    seed: async (p) => exec(`INSERT INTO ${p.datasource as string} (id, name) VALUES (1, 'a'), (2, 'b')`),
    change: async (p) => exec(`UPDATE ${p.datasource as string} SET name = 'changed' WHERE id = 1`),
  });

  describeSourceContract(`sql on ${d}`, () => new Pulled(new SqlSource()), {
    props: async () => {
      const t = await readingsTable();
      await exec(`INSERT INTO ${t} (id, name) VALUES (1, 'a')`);
      return { dburl: b.url, datasource: t, internalSqlQueryCfg: { indexFields: [{ indexField: 'id' }] } };
    },
  });

  describe(`sql sink on ${d}`, () => {
    async function write(props: Record<string, unknown>, ...batches: Row[][]): Promise<void> {
      const sink = new SqlSink();
      const ctx = createTestContext();
      sink.provision(ctx, { dburl: b.url, ...props });
      await sink.connect(ctx, () => {});
      try {
        for (const rows of batches) await sink.collect(ctx, { rows, props: {} });
      } finally {
        await sink.close(ctx);
      }
    }

    it('inserts a batch with multi-row statements, binding bigints, floats, strings and nulls', async () => {
      const t = await readingsTable();
      const rows = Array.from({ length: 7 }, (_, i) => ({ id: BigInt(i + 1), name: i === 3 ? null : `n'${i}`, price: i + 0.25 }));
      await write({ table: t, rowsPerStatement: 3 }, rows);
      const got = await select(`SELECT id, name, price FROM ${t} ORDER BY id`);
      assert.deepEqual(got, rows);
    });

    it('writes objects and arrays as JSON text', async () => {
      const t = await readingsTable();
      await write({ table: t }, [{ id: 1n, name: { a: 1n, b: [true, 'x'] } }]);
      assert.deepEqual(await select(`SELECT name FROM ${t}`), [{ name: '{"a":1,"b":[true,"x"]}' }]);
    });

    it('writes only the configured fields, with missing ones as NULL', async () => {
      const t = await readingsTable();
      await write({ table: t, fields: ['id', 'price'] }, [{ id: 1n, price: 2 }]);
      assert.deepEqual(await select(`SELECT id, name, price FROM ${t}`), [{ id: 1n, name: null, price: 2 }]);
    });

    it('inserts, updates, upserts and deletes by keyField with rowkindField', async () => {
      const t = await readingsTable();
      const props = { table: t, rowkindField: 'op', keyField: 'id' };
      await write(
        props,
        [{ id: 1n, name: 'a' }, { id: 2n, name: 'b', op: 'insert' }, { id: 3n, name: 'c' }],
        [{ op: 'update', id: 1n, name: 'a2' }, { op: 'delete', id: 2n }, { op: 'upsert', id: 3n, name: 'c2' }, { op: 'upsert', id: 4n, name: 'd' }],
      );
      assert.deepEqual(await select(`SELECT id, name FROM ${t} ORDER BY id`), [
        { id: 1n, name: 'a2' },
        { id: 3n, name: 'c2' },
        { id: 4n, name: 'd' },
      ]);
    });

    it('writes nothing of a batch with an invalid rowkind', async () => {
      const t = await readingsTable();
      await assert.rejects(write({ table: t, rowkindField: 'op', keyField: 'id' }, [{ id: 1n }, { id: 2n, op: 'merge' }]), /invalid rowkind/);
      assert.deepEqual(await select(`SELECT id FROM ${t}`), []);
    });

    it('refuses a row key that is not an identifier', async () => {
      const t = await readingsTable();
      await assert.rejects(write({ table: t }, [{ 'id) VALUES (1); --': 1 }]), /invalid dynamic field name/);
    });

    it('needs keyField with rowkindField', () => {
      assert.throws(() => new SqlSink().provision(createTestContext(), { dburl: b.url, table: 't', rowkindField: 'op' }), /keyField/);
    });
  });

  describeSinkContract(`sql on ${d}`, () => new SqlSink(), {
    props: async () => ({ dburl: b.url, table: await readingsTable() }),
    item: (i, props) => ({ rows: [{ id: BigInt(i), name: `r${i}` }], props }),
    received: (props) => select(`SELECT id FROM ${props.table as string}`),
  });
}

describe('sql connectors without a database', () => {
  it('fail to connect with an IOError when the server is unreachable', async () => {
    const sink = new SqlSink();
    const ctx = createTestContext();
    sink.provision(ctx, { dburl: 'postgres://root@127.0.0.1:1/test', table: 't' });
    await assert.rejects(sink.connect(ctx, () => {}), (e: Error) => e.name === 'IOError');
    await assert.rejects(sink.collect(ctx, { rows: [{ a: 1 }], props: {} }), (e: Error) => e.name === 'IOError');
    await sink.close(ctx);
  });

  it('parse mysql, postgres and sqlite urls', () => {
    assert.deepEqual(parseDbUrl('mysql://u:p%40ss@db:3307/shop?parseTime=true'), {
      dialect: 'mysql', host: 'db', port: 3307, user: 'u', password: 'p@ss', database: 'shop', params: { parseTime: 'true' },
    });
    assert.equal(parseDbUrl('postgresql://root@127.0.0.1/test').port, 5432);
    assert.equal(parseDbUrl('sqlite:///var/data/a.db').path, '/var/data/a.db');
    assert.equal(parseDbUrl('sqlite:data/a.db').path, 'data/a.db');
    assert.equal(parseDbUrl('sqlite::memory:').path, ':memory:');
  });

  it('refuse an unknown dburl scheme', () => {
    assert.throws(() => new SqlSink().provision(createTestContext(), { dburl: 'oracle://x', table: 't' }), /unsupported dburl/);
  });
});
