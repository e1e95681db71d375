import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Expr, SelectStatement, Statement } from './ast.js';
import {
  MAX_DEPTH, parseExpression, parseSelect, parseStatement, parseStatements, printExpr, printStatement, SqlSyntaxError,
} from './index.js';
import { sexpr } from './sexpr.js';

/*
 * Golden files (no code needed to add a case):
 *   test-data/sql/parse/*.json   [{ "expr": ..., "tree": <sexpr>, "printed"?: ... }]
 *                                or [{ "sql": ..., "ast": <AST without pos, bigint as {"$int": "5"}>, "printed"?: ... }]
 *   test-data/sql/errors/*.json  [{ "sql": ..., "error": <exact message> }]
 */
const dataDir = fileURLToPath(new URL('../../test-data/sql/', import.meta.url));

interface ParseCase { expr?: string; tree?: string; sql?: string; ast?: unknown; printed?: string }
interface ErrorCase { sql: string; error: string }

function load<T>(sub: string): { file: string; cases: T[] }[] {
  const dir = dataDir + sub;
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((file) => ({ file, cases: JSON.parse(readFileSync(dir + file, 'utf8')) as T[] }));
}

/** The AST as golden JSON: positions dropped, bigints as `{"$int": "..."}`. */
function encode(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'pos' ? undefined : typeof v === 'bigint' ? { $int: v.toString() } : v)));
}

describe('golden parse cases', () => {
  for (const { file, cases } of load<ParseCase>('parse/')) {
    describe(file, () => {
      for (const c of cases) {
        if (c.expr !== undefined) {
          it(`parses the expression ${c.expr}`, () => {
            const e = parseExpression(c.expr!);
            assert.equal(sexpr(e), c.tree);
            const printed = printExpr(e);
            if (c.printed !== undefined) assert.equal(printed, c.printed);
            assert.equal(sexpr(parseExpression(printed)), c.tree, 'printing and parsing again gives the same tree');
          });
        } else {
          it(`parses ${c.sql}`, () => {
            const s = parseStatement(c.sql!);
            assert.deepEqual(encode(s), c.ast);
            const printed = printStatement(s);
            if (c.printed !== undefined) assert.equal(printed, c.printed);
            assert.deepEqual(encode(parseStatement(printed)), c.ast, 'printing and parsing again gives the same AST');
          });
        }
      }
    });
  }
});

describe('golden syntax errors', () => {
  for (const { file, cases } of load<ErrorCase>('errors/')) {
    describe(file, () => {
      for (const c of cases) {
        it(`rejects ${JSON.stringify(c.sql)}`, () => {
          assert.throws(() => parseStatements(c.sql), (e: unknown) => {
            assert.ok(e instanceof SqlSyntaxError, `not a SqlSyntaxError: ${String(e)}`);
            assert.equal(e.message, c.error);
            return true;
          });
        });
      }
    });
  }
});

function syntaxError(run: () => unknown): SqlSyntaxError {
  try {
    run();
  } catch (e) {
    if (e instanceof SqlSyntaxError) return e;
    throw e;
  }
  assert.fail('expected a SqlSyntaxError');
}

describe('SqlSyntaxError', () => {
  it('carries the position, the found token and the expected list', () => {
    const e = syntaxError(() => parseStatement('SELECT a,\n  FROM s'));
    assert.equal(e.line, 2);
    assert.equal(e.col, 3);
    assert.equal(e.offset, 12);
    assert.equal(e.found, 'FROM');
    assert.deepEqual(e.expected, ['expression']);
    assert.equal(e.message, 'found "FROM", expected expression at line 2, column 3');
  });

  it('reports EOF as the found token at the end of input', () => {
    const e = syntaxError(() => parseStatement('SELECT a FROM s WHERE a >'));
    assert.equal(e.found, 'EOF');
    assert.equal(e.offset, 25);
  });

  it('lists every alternative that was valid at the error', () => {
    const e = syntaxError(() => parseStatement('SELECT a FROM s x'));
    assert.deepEqual(e.expected, ['AS', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'JOIN', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', '";"', 'EOF']);
  });

  it('reports the first error in the text even when a later token cannot be lexed', () => {
    const e = syntaxError(() => parseStatement('SELECT FROM s WHERE a = "unterminated'));
    assert.equal(e.found, 'FROM');
  });
});

describe('positions', () => {
  it('gives every node the position of its first token', () => {
    const s = parseSelect('SELECT a,\n  b + c AS d\nFROM s WHERE x->y[0] > 1');
    assert.deepEqual(s.pos, { line: 1, col: 1, offset: 0 });
    assert.deepEqual(s.fields[1]!.pos, { line: 2, col: 3, offset: 12 });
    assert.deepEqual(s.fields[1]!.expr.pos, { line: 2, col: 3, offset: 12 });
    const rhs = (s.fields[1]!.expr as Extract<Expr, { kind: 'BinaryExpr' }>).rhs;
    assert.deepEqual(rhs.pos, { line: 2, col: 7, offset: 16 });
    assert.deepEqual(s.from.pos, { line: 3, col: 6, offset: 28 });
    assert.deepEqual(s.where!.pos, { line: 3, col: 14, offset: 36 });
  });
});

describe('statement entry points', () => {
  it('parseStatements splits on semicolons and skips empty statements', () => {
    const stmts = parseStatements(';SELECT a FROM s;; SHOW STREAMS ;\nDROP TABLE t;');
    assert.deepEqual(stmts.map((s) => s.kind), ['Select', 'Show', 'Drop']);
  });

  it('parseStatement accepts one trailing semicolon only', () => {
    assert.equal(parseStatement('SELECT a FROM s;').kind, 'Select');
    assert.throws(() => parseStatement('SELECT a FROM s; SELECT b FROM s'), /found "SELECT", expected EOF/);
  });

  it('parseSelect refuses other statements', () => {
    assert.throws(() => parseSelect('SHOW STREAMS'), /found "SHOW", expected SELECT at line 1, column 1/);
  });

  it('parseExpression parses a lone expression', () => {
    assert.equal(sexpr(parseExpression('a->b + 1')), '(+ (-> a b) 1)');
  });
});

describe('select field names', () => {
  it('numbers unnamed fields from 0 and names columns and calls after themselves', () => {
    const s = parseSelect('SELECT a + 1, b, c * 2, d->e, s.f, Upper(g), h AS x, 1 AS y, 2 FROM s');
    assert.deepEqual(s.fields.map((f) => f.name), ['kuiper_field_0', 'b', 'kuiper_field_1', 'kuiper_field_2', 'f', 'upper', 'x', 'y', 'kuiper_field_3']);
  });

  it('restarts the counter for every statement', () => {
    const [a, b] = parseStatements('SELECT 1 FROM s; SELECT 2 FROM s') as SelectStatement[];
    assert.equal(a!.fields[0]!.name, 'kuiper_field_0');
    assert.equal(b!.fields[0]!.name, 'kuiper_field_0');
  });
});

describe('limits', () => {
  it('parses a SELECT with 200 fields', () => {
    const fields = Array.from({ length: 200 }, (_, i) => `f${i} + ${i} AS c${i}`).join(', ');
    const s = parseSelect(`SELECT ${fields} FROM s`);
    assert.equal(s.fields.length, 200);
    assert.equal(s.fields[199]!.name, 'c199');
  });

  it('parses expressions nested just under the depth limit', () => {
    const depth = Math.floor(MAX_DEPTH / 2);
    const e = parseExpression('('.repeat(depth) + 'a' + ')'.repeat(depth));
    assert.equal(e.kind, 'ParenExpr');
    assert.ok(printExpr(e).length > depth);
  });

  it('refuses 5,000 nested parentheses with a syntax error instead of crashing', () => {
    const sql = `SELECT ${'('.repeat(5000)}a${')'.repeat(5000)} FROM s`;
    assert.match(syntaxError(() => parseStatement(sql)).message, /expression too deeply nested/);
  });

  it('refuses 5,000 nested function calls and CASE expressions', () => {
    assert.match(syntaxError(() => parseExpression(`${'f('.repeat(5000)}a${')'.repeat(5000)}`)).message, /too deeply nested/);
    assert.match(syntaxError(() => parseExpression(`${'CASE WHEN a > 1 THEN '.repeat(5000)}1${' END'.repeat(5000)}`)).message, /too deeply nested/);
  });

  it('refuses an operator chain deeper than the limit, which visitors could not walk safely', () => {
    assert.match(syntaxError(() => parseExpression(Array.from({ length: 5000 }, () => 'a').join(' + '))).message, /too deeply nested/);
    assert.equal(parseExpression(Array.from({ length: 500 }, () => 'a').join(' + ')).kind, 'BinaryExpr');
  });

  it('accepts long lists, which are not nesting', () => {
    const list = Array.from({ length: 5000 }, (_, i) => String(i)).join(', ');
    const e = parseExpression(`a IN (${list})`);
    assert.equal(e.kind === 'InExpr' && e.list?.length, 5000);
  });

  it('refuses deeply nested stream field types', () => {
    const sql = `CREATE STREAM s (a ${'ARRAY('.repeat(5000)}BIGINT${')'.repeat(5000)}) WITH (DATASOURCE="x")`;
    assert.match(syntaxError(() => parseStatement(sql)).message, /too deeply nested/);
  });

  it('parses a typical rule in well under a millisecond', () => {
    const sql = 'SELECT deviceId, avg(temperature) AS t, max(humidity) AS h, meta(topic) AS topic FROM demo '
      + 'WHERE temperature > 20 AND status IN ("on", "idle") GROUP BY deviceId, TUMBLINGWINDOW(ss, 10) '
      + 'HAVING avg(temperature) > 25 ORDER BY t DESC LIMIT 10';
    for (let i = 0; i < 200; i++) parseStatement(sql);
    const runs = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) parseStatement(sql);
    const perParseMs = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    assert.ok(perParseMs < 1, `${perParseMs} ms per parse`);
  });
});

// eKuiper's own rule tests, when the shared conformance folder sits next to the project.
const conformance = fileURLToPath(new URL('../../../../../shared/conformance/', import.meta.url));
describe('conformance SQL', { skip: !existsSync(conformance + 'rules.json') }, () => {
  it('parses and round-trips every statement of the eKuiper rule and function tests', () => {
    const statements = new Set<string>();
    const rules = JSON.parse(readFileSync(conformance + 'rules.json', 'utf8')) as { cases: { sql: string; streams?: Record<string, string> }[] };
    for (const c of rules.cases) {
      statements.add(c.sql);
      for (const s of Object.values(c.streams ?? {})) statements.add(s);
    }
    const fns = JSON.parse(readFileSync(conformance + 'functions.json', 'utf8')) as { cases: { sql?: string; expect_parse_error?: boolean }[] };
    // Cases expected to fail fail in function argument validation, which the analyzer does.
    for (const c of fns.cases) if (c.sql !== undefined) statements.add(c.sql);
    assert.ok(statements.size > 100);
    for (const sql of statements) {
      let stmt: Statement;
      try {
        stmt = parseStatement(sql);
      } catch (e) {
        assert.fail(`${sql}\n${String(e)}`);
      }
      assert.deepEqual(encode(parseStatement(printStatement(stmt))), encode(stmt), sql);
    }
  });
});
