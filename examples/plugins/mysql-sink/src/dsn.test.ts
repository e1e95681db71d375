import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMySqlUrl, redact } from './dsn.js';

describe('parseMySqlUrl', () => {
  it('reads the Go DSN of the eKuiper tutorial', () => {
    assert.deepEqual(parseMySqlUrl('user:test@tcp(localhost:3307)/user'), {
      user: 'user',
      password: 'test',
      database: 'user',
      host: 'localhost',
      port: 3307,
    });
  });

  it('reads a Go DSN without password, port or address', () => {
    assert.deepEqual(parseMySqlUrl('root@tcp(127.0.0.1)/test'), { user: 'root', password: undefined, database: 'test', host: '127.0.0.1', port: 3306 });
    assert.deepEqual(parseMySqlUrl('/test'), { user: undefined, password: undefined, database: 'test', host: '127.0.0.1', port: 3306 });
  });

  it('splits Go DSN credentials at the last @ so passwords may contain @ and :', () => {
    const o = parseMySqlUrl('bob:p@ss:w0rd@tcp([::1]:3306)/db?charset=utf8mb4,utf8&timeout=5s');
    assert.equal(o.user, 'bob');
    assert.equal(o.password, 'p@ss:w0rd');
    assert.equal(o.host, '::1');
    assert.equal(o.charset, 'utf8mb4');
    assert.equal(o.connectTimeout, 5000);
  });

  it('reads a unix socket Go DSN', () => {
    assert.equal(parseMySqlUrl('root@unix(/run/mysqld/mysqld.sock)/test').socketPath, '/run/mysqld/mysqld.sock');
  });

  it('reads mysql:// URLs with percent-encoded credentials', () => {
    assert.deepEqual(parseMySqlUrl('mysql://u%40x:p%2Fw@db.example:3307/shop'), {
      host: 'db.example',
      port: 3307,
      user: 'u@x',
      password: 'p/w',
      database: 'shop',
    });
  });

  it('refuses what is neither form', () => {
    assert.throws(() => parseMySqlUrl('localhost:3306'), /must look like/);
    assert.throws(() => parseMySqlUrl('root@udp(h:1)/db'), /only tcp and unix/);
  });

  it('masks passwords in messages', () => {
    assert.equal(redact('mysql://root:secret@h/db'), 'mysql://root:******@h/db');
    assert.equal(redact('root:secret@tcp(h:1)/db'), 'root:******@tcp(h:1)/db');
  });
});
