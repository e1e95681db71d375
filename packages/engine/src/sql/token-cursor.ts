import type { Pos } from './ast.js';
import { SqlSyntaxError } from './syntax-error.js';
import type { Token } from './token.js';

/** Nesting allowed in expressions and types before the parser gives up (keeps the stack safe). */
export const MAX_DEPTH = 1000;

/**
 * Walks the token list for the parser and remembers what was tried at the current token, so
 * that an error lists everything that would have been valid there (like chevrotain's
 * "expecting one of"). Every failed `accept` adds a label; consuming a token clears the list.
 *
 * Labels: keywords bare (`FROM`), punctuation quoted (`","`), categories as words
 * (`expression`, `identifier`, `integer`, `string`, `operator`).
 */
export class TokenCursor {
  private i = 0;
  private expected: string[] = [];
  /** Current nesting depth of expressions/types; see {@link enter}. */
  private depth = 0;
  /** Counter for `kuiper_field_<n>` names, per statement. */
  unnamedFields = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(k = 0): Token {
    const t = this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
    if (k === 0 && t.type === 'error' && t.error !== undefined) {
      throw new SqlSyntaxError(t.pos, t.text, [t.error.expected], t.error.detail);
    }
    return t;
  }

  next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    this.expected = [];
    return t;
  }

  /** Records `label` as something that would have been accepted at the current token. */
  expect(label: string): void {
    if (!this.expected.includes(label)) this.expected.push(label);
  }

  isKeyword(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'keyword' && t.value === word;
  }

  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'op' && t.value === op;
  }

  /** A non-reserved word such as CREATE, STREAM or BIGINT: an unquoted identifier, any case. */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'ident' && !t.quoted && t.value.toUpperCase() === word;
  }

  acceptKeyword(word: string): Token | undefined {
    if (this.isKeyword(word)) return this.next();
    this.expect(word);
    return undefined;
  }

  acceptOp(op: string): Token | undefined {
    if (this.isOp(op)) return this.next();
    this.expect(`"${op}"`);
    return undefined;
  }

  acceptWord(word: string): Token | undefined {
    if (this.isWord(word)) return this.next();
    this.expect(word);
    return undefined;
  }

  keyword(word: string): Token {
    return this.acceptKeyword(word) ?? this.fail();
  }

  op(op: string): Token {
    return this.acceptOp(op) ?? this.fail();
  }

  word(word: string): Token {
    return this.acceptWord(word) ?? this.fail();
  }

  /** An identifier (plain or backquoted); `label` names it in errors. */
  ident(label = 'identifier'): Token {
    const t = this.peek();
    if (t.type === 'ident') return this.next();
    return this.fail(label);
  }

  /** Throws the syntax error for the current token with everything expected so far. */
  fail(label?: string): never {
    if (label !== undefined) this.expect(label);
    const t = this.peek();
    throw new SqlSyntaxError(t.pos, t.text, this.expected);
  }

  /** A check that is not about the next token: a fixed message at `pos`. */
  error(pos: Pos, found: string, detail: string): never {
    throw new SqlSyntaxError(pos, found, [], detail);
  }

  /** Enters one level of nesting; call {@link leave} after. Throws past {@link MAX_DEPTH}. */
  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      this.depth = 0;
      this.error(t.pos, t.text, `expression too deeply nested (more than ${MAX_DEPTH} levels)`);
    }
  }

  leave(): void {
    this.depth--;
  }
}
