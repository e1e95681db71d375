import type { Pos } from './ast.js';
import { KEYWORDS, type Token, type TokenType } from './token.js';

/**
 * Splits SQL text into tokens, following eKuiper's scanner (`internal/xsql/lexical.go`):
 *
 * - identifiers start with an ASCII letter, then letters, digits and `_`; anything else goes in
 *   backquotes; reserved words (see {@link KEYWORDS}) are case-insensitive;
 * - `"..."` and `'...'` are strings with Go escapes (`\n \t \\ \" \xHH \uHHHH \ooo` ...; `\'`
 *   only inside single quotes); a raw newline inside a string is an error, as in Go;
 * - `123` is an integer, `1.5`, `.5` and `1.` are floats; no exponents (eKuiper has none);
 * - `-- ...` and `/* ... *\/` are comments;
 * - whitespace is allowed inside `< =`, `> =`, `! =` and `- >`; a lone `!` reads as `=`
 *   (an eKuiper quirk kept for compatibility).
 *
 * The lexer never throws: a problem becomes an `error` token and lexing stops there, so the
 * parser reports whichever error comes first in the text.
 */
export function tokenize(src: string): Token[] {
  return new Lexer(src).run();
}

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);

const SINGLE_CHAR_OPS = new Set(['(', ')', ',', ';', ':', '[', ']', '+', '*', '%', '&', '|', '^', '=', '#']);

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"',
};

class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly out: Token[] = [];

  constructor(private readonly src: string) {}

  run(): Token[] {
    for (;;) {
      this.skipSpace();
      if (this.i >= this.src.length) {
        this.out.push({ type: 'eof', value: '', text: 'EOF', pos: this.pos() });
        return this.out;
      }
      const tok = this.scan();
      if (tok === undefined) continue; // a comment
      this.out.push(tok);
      if (tok.type === 'error') return this.out;
    }
  }

  private pos(at = this.i): Pos {
    return { line: this.line, col: at - this.lineStart + 1, offset: at };
  }

  private advance(n = 1): void {
    for (let k = 0; k < n && this.i < this.src.length; k++) {
      if (this.src[this.i] === '\n') {
        this.line++;
        this.lineStart = this.i + 1;
      }
      this.i++;
    }
  }

  private skipSpace(): void {
    while (this.i < this.src.length && isSpace(this.src[this.i]!)) this.advance();
  }

  private make(type: TokenType, value: string, start: Pos, extra?: Partial<Token>): Token {
    return { type, value, text: this.src.slice(start.offset, this.i), pos: start, ...extra };
  }

  private fail(start: Pos, expected: string, text?: string): Token {
    return { type: 'error', value: '', text: text ?? this.src.slice(start.offset, this.i), pos: start, error: { expected } };
  }

  private scan(): Token | undefined {
    const src = this.src;
    const start = this.pos();
    const c = src[this.i]!;
    const next = src[this.i + 1] ?? '';

    if (isLetter(c)) return this.ident(start);
    if (isDigit(c) || (c === '.' && isDigit(next))) return this.num(start);
    if (c === '"' || c === "'") return this.str(start, c);
    if (c === '`') return this.backquoted(start);

    if (c === '-' && next === '-') {
      while (this.i < src.length && src[this.i] !== '\n') this.advance();
      return undefined;
    }
    if (c === '/' && next === '*') {
      const end = src.indexOf('*/', this.i + 2);
      if (end < 0) return this.fail(start, '"*/"', '/*');
      this.advance(end + 2 - this.i);
      return undefined;
    }
    // `<`, `>`, `!` and `-` may be separated from their second character by whitespace.
    if (c === '<' || c === '>' || c === '!' || c === '-') {
      this.advance();
      const save = { i: this.i, line: this.line, lineStart: this.lineStart };
      this.skipSpace();
      const second = c === '-' ? '>' : '=';
      if (src[this.i] === second) {
        this.advance();
        return this.make('op', c + second, start);
      }
      this.i = save.i;
      this.line = save.line;
      this.lineStart = save.lineStart;
      return this.make('op', c === '!' ? '=' : c, start);
    }
    if (c === '.' || c === '/' || SINGLE_CHAR_OPS.has(c)) {
      this.advance();
      return this.make('op', c, start);
    }
    // Unknown character: not a lexer error with its own message; the parser reports it with
    // the tokens it expected at this point.
    this.advance(c.codePointAt(0)! > 0xffff ? 2 : 1);
    return this.make('error', '', start);
  }

  private ident(start: Pos): Token {
    const src = this.src;
    while (this.i < src.length) {
      const ch = src[this.i]!;
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      this.advance();
    }
    const word = src.slice(start.offset, this.i);
    const upper = word.toUpperCase();
    return KEYWORDS.has(upper) ? this.make('keyword', upper, start) : this.make('ident', word, start);
  }

  private num(start: Pos): Token {
    const src = this.src;
    let dots = 0;
    while (this.i < src.length) {
      const ch = src[this.i]!;
      if (ch === '.') dots++;
      else if (!isDigit(ch)) break;
      this.advance();
    }
    const text = src.slice(start.offset, this.i);
    if (dots > 1) return this.fail(start, 'number');
    return this.make(dots === 0 ? 'integer' : 'number', text, start);
  }

  private backquoted(start: Pos): Token {
    const end = this.src.indexOf('`', this.i + 1);
    if (end < 0) {
      this.advance(this.src.length - this.i);
      return this.fail(start, '"`"');
    }
    const name = this.src.slice(this.i + 1, end);
    this.advance(end + 1 - this.i);
    return this.make('ident', name, start, { quoted: true });
  }

  private str(start: Pos, quote: string): Token {
    const src = this.src;
    this.advance();
    let out = '';
    for (;;) {
      if (this.i >= src.length || src[this.i] === '\n') return this.fail(start, 'closing quote');
      const ch = src[this.i]!;
      if (ch === quote) {
        this.advance();
        return this.make('string', out, start, { single: quote === "'" });
      }
      if (ch !== '\\') {
        out += ch;
        this.advance();
        continue;
      }
      const escStart = this.pos();
      const e = src[this.i + 1] ?? '';
      const decoded = this.escape(e, quote);
      if (decoded === undefined) {
        return this.fail(escStart, 'escape sequence', src.slice(this.i, Math.min(src.length, this.i + 2)));
      }
      out += decoded.value;
      this.advance(decoded.length);
    }
  }

  /** Decodes the Go escape starting at the backslash; `length` counts the backslash. */
  private escape(e: string, quote: string): { value: string; length: number } | undefined {
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return { value: simple, length: 2 };
    if (e === "'" && quote === "'") return { value: "'", length: 2 };
    const digits = (n: number, ok: (c: string) => boolean): string | undefined => {
      const s = this.src.slice(this.i + 2, this.i + 2 + n);
      return s.length === n && [...s].every(ok) ? s : undefined;
    };
    if (e === 'x') {
      const h = digits(2, isHex);
      return h === undefined ? undefined : { value: String.fromCharCode(parseInt(h, 16)), length: 4 };
    }
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = digits(n, isHex);
      if (h === undefined) return undefined;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      return { value: String.fromCodePoint(cp), length: 2 + n };
    }
    if (e >= '0' && e <= '7') {
      const s = this.src.slice(this.i + 1, this.i + 4);
      if (!/^[0-7]{3}$/.test(s) || parseInt(s, 8) > 255) return undefined;
      return { value: String.fromCharCode(parseInt(s, 8)), length: 4 };
    }
    return undefined;
  }
}
