import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from './lexer.js';
import type { Token } from './token.js';

/** `type:value` per token, without the final EOF. */
function kinds(sql: string): string[] {
  return tokenize(sql).filter((t) => t.type !== 'eof').map((t) => `${t.type}:${t.value}`);
}

function only(sql: string): Token {
  const toks = tokenize(sql);
  assert.equal(toks.length, 2, `one token in ${sql}`);
  return toks[0]!;
}

describe('lexer', () => {
  it('gives each token its line, column and offset', () => {
    const toks = tokenize('SELECT a,\n\tb FROM s\r\n  WHERE');
    assert.deepEqual(toks.map((t) => [t.text, t.pos.line, t.pos.col, t.pos.offset]), [
      ['SELECT', 1, 1, 0], ['a', 1, 8, 7], [',', 1, 9, 8], ['b', 2, 2, 11], ['FROM', 2, 4, 13], ['s', 2, 9, 18],
      ['WHERE', 3, 3, 23], ['EOF', 3, 8, 28],
    ]);
  });

  it('reads keywords case-insensitively and keeps other words as identifiers', () => {
    assert.deepEqual(kinds('select From wHeRe streams Create bigint'), [
      'keyword:SELECT', 'keyword:FROM', 'keyword:WHERE', 'ident:streams', 'ident:Create', 'ident:bigint',
    ]);
  });

  it('reserves the time units, FILTER, LIMIT and the other eKuiper keywords', () => {
    for (const w of ['dd', 'HH', 'mi', 'Ss', 'ms', 'filter', 'limit', 'default', 'replace', 'except', 'invisible', 'right', 'full', 'cross', 'over', 'partition']) {
      assert.equal(only(w).type, 'keyword', w);
    }
  });

  it('reads backquoted identifiers verbatim, keywords and spaces included', () => {
    assert.deepEqual(only('`ss`'), { type: 'ident', value: 'ss', text: '`ss`', pos: { line: 1, col: 1, offset: 0 }, quoted: true });
    assert.equal(only('`a b-c`').value, 'a b-c');
  });

  it('reads identifiers as a letter followed by letters, digits and underscores', () => {
    assert.deepEqual(kinds('a_1b2 x9'), ['ident:a_1b2', 'ident:x9']);
    assert.equal(tokenize('_a')[0]!.type, 'error');
  });

  it('reads integers and floats, without signs or exponents', () => {
    assert.deepEqual(kinds('12 1.5 .5 1. 0'), ['integer:12', 'number:1.5', 'number:.5', 'number:1.', 'integer:0']);
    assert.deepEqual(kinds('-3'), ['op:-', 'integer:3']);
    assert.deepEqual(kinds('1e5'), ['integer:1', 'ident:e5']);
  });

  it('rejects a number with two dots', () => {
    const t = tokenize('1.2.3')[0]!;
    assert.equal(t.type, 'error');
    assert.equal(t.text, '1.2.3');
  });

  it('unescapes double-quoted strings with Go escapes', () => {
    assert.equal(only('"a\\"b\\\\c\\n\\t\\r\\x41\\101\\u00e9\\U0001F600"').value, 'a"b\\c\n\t\rAAé😀');
    assert.equal(only('"it\'s"').value, "it's");
  });

  it('unescapes single-quoted strings, where \\\' is a quote', () => {
    const t = only("'it\\'s \"q\" \\n'");
    assert.equal(t.value, 'it\'s "q" \n');
    assert.equal(t.single, true);
  });

  it('rejects unknown escapes, \\\' in double quotes and raw newlines in strings', () => {
    for (const bad of ['"\\q"', '"\\\'"', '"a\nb"', '"\\x4"', '"\\u12"', '"\\400"']) {
      const t = tokenize(bad)[0]!;
      assert.equal(t.type, 'error', bad);
      assert.ok(t.error, bad);
    }
  });

  it('rejects unterminated strings, backquotes and comments', () => {
    assert.equal(tokenize('"abc')[0]!.error?.expected, 'closing quote');
    assert.equal(tokenize('`abc')[0]!.error?.expected, '"`"');
    assert.equal(tokenize('a /* abc')[1]!.error?.expected, '"*/"');
  });

  it('skips -- and /* */ comments', () => {
    assert.deepEqual(kinds('a -- x y z\nb /* c \n d */ e'), ['ident:a', 'ident:b', 'ident:e']);
    assert.deepEqual(kinds('a /* ** / */ b'), ['ident:a', 'ident:b']);
  });

  it('reads every operator and punctuation mark', () => {
    assert.deepEqual(kinds('( ) , ; . : [ ] -> + - * / % & | ^ = != < <= > >= #').map((k) => k.slice(3)), [
      '(', ')', ',', ';', '.', ':', '[', ']', '->', '+', '-', '*', '/', '%', '&', '|', '^', '=', '!=', '<', '<=', '>', '>=', '#',
    ]);
  });

  it('allows whitespace inside <=, >=, != and -> as eKuiper does', () => {
    assert.deepEqual(kinds('a < = b > \n= c ! = d - > e'), ['ident:a', 'op:<=', 'ident:b', 'op:>=', 'ident:c', 'op:!=', 'ident:d', 'op:->', 'ident:e']);
  });

  it('reads a lone ! as = (eKuiper quirk) and <> as two tokens', () => {
    assert.deepEqual(kinds('a ! b'), ['ident:a', 'op:=', 'ident:b']);
    assert.deepEqual(kinds('a <> b'), ['ident:a', 'op:<', 'op:>', 'ident:b']);
  });

  it('stops at an unknown character with an error token', () => {
    const toks = tokenize('a @ b');
    assert.deepEqual(toks.map((t) => t.type), ['ident', 'error']);
    assert.equal(toks[1]!.text, '@');
    assert.equal(toks[1]!.error, undefined);
  });

  it('counts columns in UTF-16 code units', () => {
    const toks = tokenize('"é😀" x');
    assert.deepEqual(toks[1]!.pos, { line: 1, col: 7, offset: 6 });
  });
});
