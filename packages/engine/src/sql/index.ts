/**
 * eKuiper-compatible SQL front end: text → tokens → AST, syntax errors with positions, and a
 * printer back to canonical SQL.
 *
 * @example
 * import { parseStatement, printStatement } from './sql/index.js';
 * const stmt = parseStatement('select a->b AS x from demo where x > 1');
 * printStatement(stmt); // 'SELECT a->b AS x FROM demo WHERE x > 1'
 */
export * from './ast.js';
export { parseStatement, parseSelect, parseStatements, parseExpression } from './parser.js';
export { tokenize } from './lexer.js';
export type { Token, TokenType } from './token.js';
export { KEYWORDS } from './token.js';
export { SqlSyntaxError } from './syntax-error.js';
export { printExpr, printStatement, printIdent, printString, printFloat } from './printer.js';
export { ANALYTIC_FUNCTIONS, WINDOW_FUNCTIONS, WINDOW_NAMES, STREAM_OPTIONS, TIME_UNIT_MS } from './dialect.js';
export { MAX_DEPTH } from './token-cursor.js';
export { sexpr } from './sexpr.js';
