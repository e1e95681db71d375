import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamField } from '../sql/ast.js';
import { getCodec } from './index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('json codec', () => {
  it('decodes an object to one row with float numbers', () => {
    assert.deepEqual(getCodec('json').decode(enc('{"a":1,"b":"x"}')), { a: 1, b: 'x' });
  });

  it('decodes an array of objects to rows', () => {
    assert.deepEqual(getCodec('JSON').decode(enc('[{"a":1},{"a":2}]')), [{ a: 1 }, { a: 2 }]);
  });

  it('decodes whole numbers to bigint with useInt64ForWholeNumber', () => {
    assert.deepEqual(getCodec('json', { useInt64ForWholeNumber: true }).decode(enc('{"a":1,"b":1.5}')), { a: 1n, b: 1.5 });
  });

  it('rejects payloads that are not objects', () => {
    assert.throws(() => getCodec('json').decode(enc('3')), /only map/);
    assert.throws(() => getCodec('json').decode(enc('{bad')));
  });

  const schema: StreamField[] = [
    { name: 'id', fieldType: { type: 'bigint' } },
    { name: 't', fieldType: { type: 'float' } },
    { name: 's', fieldType: { type: 'string' } },
    { name: 'b', fieldType: { type: 'boolean' } },
    { name: 'raw', fieldType: { type: 'bytea' } },
    { name: 'arr', fieldType: { type: 'array', element: { type: 'bigint' } } },
    { name: 'st', fieldType: { type: 'struct', fields: [{ name: 'x', fieldType: { type: 'float' } }] } },
  ];

  it('keeps only declared fields and converts them to the declared types', () => {
    const row = getCodec('json', { schema }).decode(
      enc('{"id":3.7,"t":2,"s":"x","b":true,"raw":"aGk=","arr":[1,2],"st":{"x":1,"y":2},"extra":1}'),
    );
    assert.deepEqual(row, { id: 3n, t: 2, s: 'x', b: true, raw: new Uint8Array(Buffer.from('hi')), arr: [1n, 2n], st: { x: 1 } });
  });

  it('reports a type mismatch with eKuiper text', () => {
    assert.throws(() => getCodec('json', { schema }).decode(enc('{"id":"blue"}')), /field id type mismatch: cannot convert string\(blue\) to int64/);
    assert.throws(() => getCodec('json', { schema }).decode(enc('{"s":2}')), /field s type mismatch: cannot convert float64\(2\) to string/);
  });

  it('keeps nulls of declared fields', () => {
    assert.deepEqual(getCodec('json', { schema }).decode(enc('{"id":null}')), { id: null });
  });

  it('encodes bigint as digits, bytes as base64 and dates as RFC3339', () => {
    const out = text(getCodec('json').encode({ n: 12345678901234567890n, b: new Uint8Array([104, 105]), d: new Date(0) }));
    assert.equal(out, '{"n":12345678901234567890,"b":"aGk=","d":"1970-01-01T00:00:00.000Z"}');
  });

  it('encodes plain rows with JSON.stringify output', () => {
    assert.equal(text(getCodec('json').encode([{ a: 1.5, s: 'x' }])), '[{"a":1.5,"s":"x"}]');
  });
});

describe('delimited codec', () => {
  it('decodes to strings named col0..colN', () => {
    assert.deepEqual(getCodec('delimited').decode(enc('1,a,2.5')), { col0: '1', col1: 'a', col2: '2.5' });
  });

  it('decodes with given field names and delimiter', () => {
    assert.deepEqual(getCodec('delimited', { fields: ['x', 'y'], delimiter: '|' }).decode(enc('1|2')), { x: '1', y: '2' });
  });

  it('encodes in sorted key order by default', () => {
    assert.equal(text(getCodec('delimited').encode({ b: 2, a: 'x' })), 'x,2');
  });

  it('encodes in field order with a header', () => {
    assert.equal(text(getCodec('delimited', { fields: ['b', 'a'], hasHeader: true }).encode([{ a: 1n, b: 2.5 }, { a: 2n, b: 3 }])), 'b,a\n2.5,1\n3,2');
  });
});

describe('binary codec', () => {
  it('decodes the payload into self', () => {
    const p = new Uint8Array([1, 2]);
    assert.deepEqual(getCodec('binary').decode(p), { self: p });
  });

  it('encodes the self field', () => {
    assert.deepEqual(getCodec('binary').encode({ self: new Uint8Array([3]) }), new Uint8Array([3]));
    assert.throws(() => getCodec('binary').encode({ a: 1 }), /bytea/);
  });
});

describe('urlencoded codec', () => {
  it('decodes repeated keys to arrays', () => {
    assert.deepEqual(getCodec('urlencoded').decode(enc('a=1&b=x&a=2')), { a: ['1', '2'], b: 'x' });
  });

  it('encodes a row as a query string', () => {
    assert.equal(text(getCodec('urlencoded').encode({ b: 'x y', a: 1 })), 'a=1&b=x+y');
  });
});

describe('getCodec', () => {
  it('refuses unknown formats', () => {
    assert.throws(() => getCodec('xml'), /unknown format xml/);
  });
});
