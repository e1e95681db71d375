import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { IOError } from '@oort/sdk';
import { createTestContext, describeSinkContract } from '@oort/sdk/testing';
import plugin, { MySqlSink } from './index.js';
import { insertStatements } from './insert-statement.js';

const HOST = '127.0.0.1';
const URL_FORM = `mysql://root@${HOST}:3306/test`;
const DSN_FORM = `root@tcp(${HOST}:3306)/test`;

/** Tests need the MariaDB on 127.0.0.1:3306; without it they are skipped, except on CI. */
async function reachable(): Promise<string | false> {
  try {
    const c = await createConnection({ host: HOST, port: 3306, user: 'root', database: 'test', connectTimeout: 2000 });
    await c.end();
    return false;
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    return `MariaDB on ${HOST}:3306 (root, database test) is unreachable: ${(err as Error).message}`;
  }
}
const skip = await reachable();

const uniqueTable = (tag: string) => `oort_mysql_${tag}_${randomBytes(4).toString('hex')}`;

describe('the mysql sink against MariaDB', { skip }, () => {
  let db: Connection;
  const tables: string[] = [];
  before(async () => {
    db = await createConnection({ host: HOST, user: 'root', database: 'test' });
  });
  after(async () => {
    for (const t of tables) await db.query('DROP TABLE IF EXISTS ??', [t]);
    await db.end();
  });

  async function table(tag: string, columns = 'id BIGINT, name VARCHAR(255), temperature DOUBLE'): Promise<string> {
    const t = uniqueTable(tag);
    tables.push(t);
    await db.query(`CREATE TABLE ?? (${columns})`, [t]);
    return t;
  }

  async function rows(t: string, order = 'id'): Promise<RowDataPacket[]> {
    const [r] = await db.query<RowDataPacket[]>('SELECT * FROM ?? ORDER BY ??', [t, order]);
    return r;
  }

  async function write(props: Record<string, unknown>, ...batches: Record<string, unknown>[][]): Promise<void> {
    const ctx = createTestContext();
    const sink = plugin.sinks!.mysql!.create();
    await sink.provision(ctx, props);
    await sink.connect(ctx, () => {});
    for (const b of batches) await sink.collect(ctx, { rows: b, props });
    await sink.close(ctx);
  }

  it('writes every field into the column of the same name (mysql:// URL)', async () => {
    const t = await table('url');
    await write({ url: URL_FORM, table: t }, [{ id: 1n, name: 'a', temperature: 21.5 }], [{ id: 2n, name: 'b', temperature: 22 }]);
    assert.deepEqual(
      (await rows(t)).map((r) => ({ ...r })),
      [
        { id: 1, name: 'a', temperature: 21.5 },
        { id: 2, name: 'b', temperature: 22 },
      ],
    );
  });

  it('accepts the Go DSN form of the eKuiper tutorial', async () => {
    const t = await table('dsn');
    await write({ url: DSN_FORM, table: `test.${t}` }, [{ id: 7n, name: 'go' }]);
    assert.deepEqual((await rows(t)).map((r) => r.name), ['go']);
  });

  it('stores an injection attempt literally', async () => {
    const t = await table('inject');
    const evil = `x'); DROP TABLE ${t}; --`;
    await write({ url: URL_FORM, table: t }, [{ id: 1n, name: evil }, { id: 2n, name: "Robert'); DROP TABLE students;--\\" }]);
    assert.deepEqual((await rows(t)).map((r) => r.name), [evil, "Robert'); DROP TABLE students;--\\"]);
  });

  it('refuses a column name built to break out of its quotes without running it', async () => {
    const t = await table('ident');
    const ctx = createTestContext();
    const sink = new MySqlSink();
    sink.provision(ctx, { url: URL_FORM, table: t });
    await sink.connect(ctx, () => {});
    await assert.rejects(sink.collect(ctx, { rows: [{ 'id`) VALUES (1); DROP TABLE x; -- ': 1 }], props: {} }), /Unknown column/);
    await sink.close(ctx);
    assert.equal((await rows(t)).length, 0);
  });

  it('maps result fields to differently named columns', async () => {
    const t = await table('map', 'id BIGINT, temp_c DOUBLE, note VARCHAR(50)');
    await write(
      { url: URL_FORM, table: t, columns: { id: 'deviceId', temp_c: 'temperature', note: 'missing' } },
      [{ deviceId: 3n, temperature: 30.5, extra: 'ignored' }],
    );
    assert.deepEqual((await rows(t)).map((r) => ({ ...r })), [{ id: 3, temp_c: 30.5, note: null }]);
  });

  it('writes only the listed fields', async () => {
    const t = await table('fields');
    await write({ url: URL_FORM, table: t, fields: ['id', 'name'] }, [{ id: 1n, name: 'kept', temperature: 99 }]);
    assert.deepEqual((await rows(t)).map((r) => ({ ...r })), [{ id: 1, name: 'kept', temperature: null }]);
  });

  it('writes a large batch in multi-row statements of rowsPerStatement rows', async () => {
    const t = await table('batch');
    const batch = Array.from({ length: 1234 }, (_, i) => ({ id: BigInt(i), name: `n${i}`, temperature: i / 2 }));
    await write({ url: URL_FORM, table: t, rowsPerStatement: 500 }, batch);
    const [[c]] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n, SUM(id) AS s FROM ??', [t]);
    assert.equal(Number(c!.n), 1234);
    assert.equal(Number(c!.s), (1233 * 1234) / 2);
    const statements = insertStatements('`t`', [['id', 'id'], ['name', 'name'], ['temperature', 'temperature']], batch, 500);
    assert.deepEqual(statements.map((s) => s.params.length / 3), [500, 500, 234]);
    assert.ok(statements.every((s) => !s.sql.includes('n1')), 'values never appear in the SQL text');
  });

  it('writes rows with different field sets in the same batch', async () => {
    const t = await table('mixed');
    await write({ url: URL_FORM, table: t }, [{ id: 1n, name: 'a' }, { id: 2n, temperature: 5.5 }, { id: 3n, name: 'c' }]);
    assert.deepEqual((await rows(t)).map((r) => [r.id, r.name, r.temperature]), [[1, 'a', null], [2, null, 5.5], [3, 'c', null]]);
  });

  it('fails a write to a missing table without asking for a retry', async () => {
    const ctx = createTestContext();
    const sink = new MySqlSink();
    sink.provision(ctx, { url: URL_FORM, table: uniqueTable('missing') });
    await sink.connect(ctx, () => {});
    const err = await sink.collect(ctx, { rows: [{ id: 1 }], props: {} }).then(() => undefined, (e: Error) => e);
    assert.ok(err && !(err instanceof IOError), `expected a plain Error, got ${err}`);
    await sink.close(ctx);
  });

  describeSinkContract('mysql', () => new MySqlSink(), {
    // A fresh table for each contract test, so counts never mix.
    props: async () => ({ url: URL_FORM, table: await table('contract', 'n BIGINT') }),
    item: (i, props) => ({ rows: [{ n: BigInt(i) }], props }),
    received: async (props) => rows(props.table as string, 'n'),
  });
});

describe('the mysql sink without a server', () => {
  it('reports a refused connection as a retryable IOError', async () => {
    const ctx = createTestContext();
    const sink = new MySqlSink();
    sink.provision(ctx, { url: 'mysql://root@127.0.0.1:1/test', table: 't' });
    const statuses: string[] = [];
    const err = await Promise.resolve(sink.connect(ctx, (s) => statuses.push(s))).then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof IOError, `expected IOError, got ${err}`);
    assert.deepEqual(statuses, ['connecting', 'disconnected']);
    await sink.close(ctx);
  });

  it('refuses a missing table or url at provision', () => {
    assert.throws(() => new MySqlSink().provision(createTestContext(), { url: URL_FORM }), /table is required/);
    assert.throws(() => new MySqlSink().provision(createTestContext(), { table: 't' }), /url is required/);
    assert.throws(() => new MySqlSink().provision(createTestContext(), { url: 'nonsense', table: 't' }), /must look like/);
  });
});
