import type { Pos } from './ast.js';

/**
 * Reserved words of eKuiper's SQL (`internal/xsql/lexical.go`), matched case-insensitively.
 * A column with one of these names must be backquoted (`` `ss` ``). DDL words (CREATE, STREAM,
 * WITH, type names, option names) are not reserved: they are identifiers the parser matches by
 * text.
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'AS', 'FROM', 'WHERE', 'AND', 'OR', 'GROUP', 'HAVING', 'ORDER', 'BY', 'ASC', 'DESC',
  'FILTER', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'JOIN', 'ON', 'CASE', 'WHEN', 'THEN', 'ELSE',
  'END', 'DEFAULT', 'IN', 'NOT', 'BETWEEN', 'LIKE', 'OVER', 'PARTITION', 'REPLACE', 'EXCEPT',
  'INVISIBLE', 'TRUE', 'FALSE', 'LIMIT', 'DD', 'HH', 'MI', 'SS', 'MS',
]);

export type TokenType =
  /** `value` is the name (backquotes removed). */
  | 'ident'
  /** `value` is the uppercased word. */
  | 'keyword'
  /** `value` is the digits (a leading `-` is never part of it: the parser folds signs). */
  | 'integer'
  | 'number'
  /** `value` is the unescaped content; `single` tells `'...'` from `"..."`. */
  | 'string'
  /** `value` is the operator or punctuation: `( ) , ; . : [ ] -> + - * / % & | ^ = != < <= > >= #`. */
  | 'op'
  | 'eof'
  /** The lexer could not read a token here; `error` says why. Lexing stops at it. */
  | 'error';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  /** The token as written in the source. */
  readonly text: string;
  readonly pos: Pos;
  /** Backquoted identifier. */
  readonly quoted?: boolean;
  /** Single-quoted string. */
  readonly single?: boolean;
  /** For `error` tokens: what the lexer expected instead (feeds SqlSyntaxError.expected). */
  readonly error?: { readonly expected: string; readonly detail?: string };
}
