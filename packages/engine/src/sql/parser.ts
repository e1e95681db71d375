import type { Expr, SelectStatement, Statement } from './ast.js';
import { DDL_WORDS, parseCreate, parseNamedCommand, parseShow } from './ddl-parser.js';
import { tokenize } from './lexer.js';
import { parseExpr } from './expression-parser.js';
import { parseSelectStatement } from './select-parser.js';
import { SqlSyntaxError } from './syntax-error.js';
import { MAX_DEPTH, TokenCursor } from './token-cursor.js';

/**
 * Parses one statement of eKuiper's SQL (an optional trailing `;` is allowed).
 *
 * @example
 * const stmt = parseStatement('SELECT avg(t) FROM demo GROUP BY TUMBLINGWINDOW(ss, 10)');
 * // stmt.kind === 'Select', stmt.window.length === 10000
 * @throws {SqlSyntaxError} with the position of the first offending token
 */
export function parseStatement(sql: string): Statement {
  return guard(() => {
    const c = new TokenCursor(tokenize(sql));
    const stmt = parseOne(c);
    c.acceptOp(';');
    endOfInput(c);
    return stmt;
  });
}

/** Parses one SELECT statement (optional trailing `;`). */
export function parseSelect(sql: string): SelectStatement {
  return guard(() => {
    const c = new TokenCursor(tokenize(sql));
    const stmt = parseSelectStatement(c);
    c.acceptOp(';');
    endOfInput(c);
    return stmt;
  });
}

/** Parses `;`-separated statements; empty statements are skipped. */
export function parseStatements(sql: string): Statement[] {
  return guard(() => {
    const c = new TokenCursor(tokenize(sql));
    const out: Statement[] = [];
    for (;;) {
      while (c.acceptOp(';'));
      if (c.peek().type === 'eof') return out;
      out.push(parseOne(c));
      if (c.acceptOp(';')) continue;
      endOfInput(c);
      return out;
    }
  });
}

/** Parses a lone expression, e.g. `a->b + 1` (for tests, rule options and tools). */
export function parseExpression(sql: string): Expr {
  return guard(() => {
    const c = new TokenCursor(tokenize(sql));
    const e = parseExpr(c);
    endOfInput(c);
    return e;
  });
}

function parseOne(c: TokenCursor): Statement {
  c.unnamedFields = 0;
  if (c.isKeyword('SELECT')) return parseSelectStatement(c);
  if (c.isWord('CREATE')) return parseCreate(c);
  if (c.isWord('SHOW')) return parseShow(c);
  for (const w of ['DESCRIBE', 'EXPLAIN', 'DROP'] as const) {
    if (c.isWord(w)) return parseNamedCommand(c, w);
  }
  c.expect('SELECT');
  for (const w of DDL_WORDS) c.expect(w);
  return c.fail();
}

function endOfInput(c: TokenCursor): void {
  if (c.peek().type !== 'eof') c.fail('EOF');
}

/** Turns a stack overflow (should the depth limit not catch it) into a syntax error. */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new SqlSyntaxError({ line: 1, col: 1, offset: 0 }, '', [], `expression too deeply nested (more than ${MAX_DEPTH} levels)`);
    }
    throw e;
  }
}
