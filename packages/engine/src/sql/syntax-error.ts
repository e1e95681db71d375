import type { Pos } from './ast.js';

/**
 * A SQL text the parser cannot accept. Carries the position of the offending token, its text
 * (`found`, `EOF` at the end of input) and the tokens or constructs that would have been valid
 * there (`expected`, chevrotain style).
 *
 * Message: `found "<token>", expected <what> at line <l>, column <c>`, for example
 * `found "FROM", expected expression at line 1, column 8`. Checks that are not about the next
 * token (window arguments, `OVER` after a plain function, ...) carry their own `detail` text
 * instead: `<detail> at line <l>, column <c>`.
 */
export class SqlSyntaxError extends Error {
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  readonly found: string;
  readonly expected: string[];

  constructor(pos: Pos, found: string, expected: readonly string[], detail?: string) {
    super(`${detail ?? `found "${escapeFound(found)}", expected ${describeExpected(expected)}`} at line ${pos.line}, column ${pos.col}`);
    this.name = 'SqlSyntaxError';
    this.line = pos.line;
    this.col = pos.col;
    this.offset = pos.offset;
    this.found = found;
    this.expected = [...expected];
  }
}

function escapeFound(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** `X`, or `one of: X, Y, Z` when several things would have been accepted. */
export function describeExpected(expected: readonly string[]): string {
  if (expected.length === 0) return 'nothing';
  if (expected.length === 1) return expected[0]!;
  return `one of: ${expected.join(', ')}`;
}
