import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeStatement, splitSqlStatements, statementTarget, toCreateStatement } from './sql-text.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons but not inside quotes, and drops comments', () => {
    const text = `-- demo stream
CREATE STREAM a (x bigint) WITH (DATASOURCE="a;b", FORMAT="json");
/* a table; with a comment */
CREATE TABLE \`t;1\` (y string) WITH (DATASOURCE='x;y', TYPE="file");
`;
    assert.deepEqual(splitSqlStatements(text), [
      'CREATE STREAM a (x bigint) WITH (DATASOURCE="a;b", FORMAT="json")',
      "CREATE TABLE `t;1` (y string) WITH (DATASOURCE='x;y', TYPE=\"file\")",
    ]);
  });

  it('handles escaped quotes inside strings and a missing final semicolon', () => {
    assert.deepEqual(splitSqlStatements('CREATE STREAM a () WITH (EXTRA="{\\"k\\";1}")'), [
      'CREATE STREAM a () WITH (EXTRA="{\\"k\\";1}")',
    ]);
  });
});

describe('statement helpers', () => {
  it('accepts the full statement, the part after the name, or name plus definition', () => {
    const def = '(id bigint) WITH (DATASOURCE="demo")';
    assert.equal(toCreateStatement('stream', 'demo', def), `CREATE STREAM demo ${def}`);
    assert.equal(toCreateStatement('stream', 'demo', `demo ${def}`), `CREATE STREAM demo ${def}`);
    assert.equal(toCreateStatement('stream', 'demo', `create stream demo ${def};`), `create stream demo ${def}`);
    assert.equal(toCreateStatement('table', undefined, `t1 ${def}`), `CREATE TABLE t1 ${def}`);
    assert.equal(toCreateStatement('stream', 'demo', 'demo2 () WITH ()'), 'CREATE STREAM demo demo2 () WITH ()');
  });

  it('finds the kind and name a statement defines', () => {
    assert.deepEqual(statementTarget('CREATE STREAM demo (x bigint)'), { kind: 'stream', name: 'demo' });
    assert.deepEqual(statementTarget('create table `my-t` () WITH ()'), { kind: 'table', name: 'my-t' });
    assert.equal(statementTarget('SELECT * FROM demo'), undefined);
  });

  it('compares statements regardless of whitespace and trailing semicolons', () => {
    assert.equal(
      normalizeStatement('CREATE STREAM a (x bigint)\n  WITH (FORMAT = "json");'),
      normalizeStatement('CREATE STREAM a(x bigint) WITH (FORMAT="json")'),
    );
    assert.notEqual(normalizeStatement('CREATE STREAM a (x bigint)'), normalizeStatement('CREATE STREAM a (x float)'));
  });
});
