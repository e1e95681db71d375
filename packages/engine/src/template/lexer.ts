/**
 * Splits Go text/template source into text and action segments, and actions into tokens.
 * Handles `{{- ` / ` -}}` trimming, comments and quotes that contain `}}`.
 */

export type Segment = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; pos: number };

export type Token =
  | { t: 'field'; names: string[]; space: boolean }
  | { t: 'dot'; space: boolean }
  | { t: 'var'; name: string; names: string[]; space: boolean }
  | { t: 'ident'; name: string; space: boolean }
  | { t: 'lit'; value: unknown; space: boolean }
  | { t: 'op'; op: '|' | '(' | ')' | ':=' | '=' | ','; space: boolean };

const SPACE = /[ \t\r\n]/;

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
}

function skipQuoted(src: string, i: number, quote: string): number {
  for (let k = i + 1; k < src.length; k++) {
    const c = src[k];
    if (c === '\\' && quote !== '`') k++;
    else if (c === quote) return k + 1;
  }
  throw new TemplateSyntaxError(`unterminated quoted string in template at ${i}`);
}

export function segment(src: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  let trimNext = false;
  for (;;) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text) out.push({ kind: 'text', text });
      return out;
    }
    let start = open + 2;
    if (src[start] === '-' && SPACE.test(src[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    if (text) out.push({ kind: 'text', text });
    let k = start;
    let end = -1;
    let trimAfter = false;
    while (k < src.length) {
      const c = src[k]!;
      if (c === '"' || c === '`' || c === "'") {
        k = skipQuoted(src, k, c);
        continue;
      }
      if (SPACE.test(c) && src[k + 1] === '-' && src.startsWith('}}', k + 2)) {
        end = k;
        trimAfter = true;
        pos = k + 4;
        break;
      }
      if (src.startsWith('}}', k)) {
        end = k;
        pos = k + 2;
        break;
      }
      k++;
    }
    if (end < 0) throw new TemplateSyntaxError(`unclosed action in template at ${open}`);
    trimNext = trimAfter;
    const body = src.slice(start, end);
    const trimmed = body.trim();
    if (trimmed.startsWith('/*')) {
      if (!trimmed.endsWith('*/')) throw new TemplateSyntaxError(`unclosed comment in template at ${open}`);
      continue;
    }
    out.push({ kind: 'action', tokens: tokenize(body, open), pos: open });
  }
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELDS = /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y;
const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/y;

function unquote(raw: string): string {
  if (raw[0] === '`') return raw.slice(1, -1);
  // Go and JSON escapes mostly agree; \x and \' are the common extras
  const body = raw.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\'/g, "'").replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(`"${body}"`) as string;
}

function tokenize(body: string, at: number): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let space = true;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(body);
    return m ? m[0] : undefined;
  };
  while (i < body.length) {
    const c = body[i]!;
    if (SPACE.test(c)) {
      i++;
      space = true;
      continue;
    }
    const before = space;
    space = false;
    if (c === '"' || c === '`') {
      const end = skipQuoted(body, i, c);
      toks.push({ t: 'lit', value: unquote(body.slice(i, end)), space: before });
      i = end;
    } else if (c === "'") {
      const end = skipQuoted(body, i, c);
      const s = unquote(`"${body.slice(i + 1, end - 1).replace(/"/g, '\\"')}"`);
      toks.push({ t: 'lit', value: BigInt(s.codePointAt(0) ?? 0), space: before });
      i = end;
    } else if (c === '.' && !/[0-9]/.test(body[i + 1] ?? '')) {
      const f = match(FIELDS);
      if (f) {
        toks.push({ t: 'field', names: f.slice(1).split('.'), space: before });
        i += f.length;
      } else {
        toks.push({ t: 'dot', space: before });
        i++;
      }
    } else if (c === '$') {
      i++;
      const name = match(IDENT) ?? '';
      i += name.length;
      const f = match(FIELDS);
      if (f) i += f.length;
      toks.push({ t: 'var', name: '$' + name, names: f ? f.slice(1).split('.') : [], space: before });
    } else if (c === ':' && body[i + 1] === '=') {
      toks.push({ t: 'op', op: ':=', space: before });
      i += 2;
    } else if (c === '|' || c === '(' || c === ')' || c === '=' || c === ',') {
      toks.push({ t: 'op', op: c, space: before });
      i++;
    } else if (/[0-9+\-.]/.test(c)) {
      const n = match(NUMBER);
      if (!n) throw new TemplateSyntaxError(`bad number in template at ${at + i}`);
      const clean = n.replace(/_/g, '');
      const isInt = /^[+-]?(0[xXbBoO][0-9a-fA-F]+|\d+)$/.test(clean);
      let value: unknown;
      if (isInt) {
        const neg = clean.startsWith('-');
        const digits = clean.replace(/^[+-]/, '');
        const big = /^0\d/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
        value = neg ? -big : big;
      } else value = Number(clean);
      toks.push({ t: 'lit', value, space: before });
      i += n.length;
    } else {
      const id = match(IDENT);
      if (!id) throw new TemplateSyntaxError(`unexpected "${c}" in template action at ${at + i}`);
      i += id.length;
      if (id === 'true' || id === 'false') toks.push({ t: 'lit', value: id === 'true', space: before });
      else if (id === 'nil') toks.push({ t: 'lit', value: null, space: before });
      else toks.push({ t: 'ident', name: id, space: before });
      // a field chain right after an identifier is not Go syntax, but `)` followed by fields is
    }
  }
  return toks;
}
