/**
 * Reading eKuiper conformance vectors: a JSON tokenizer that keeps integer vs float (number
 * text without `.`/`e` → bigint), and decoding of the `$int`/`$float`/`$bytes`/`$time_ms`/...
 * markers described in `shared/conformance/README.md` §1.
 */
import type { ArgInfo } from '@oort/sdk';

/** Parses JSON text; integers become bigint, other numbers number. */
export function parseJsonKeepInts(text: string): unknown {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws();
        const k = value() as string;
        ws();
        i++; // ':'
        o[k] = value();
        ws();
        if (text[i] === ',') { i++; continue; }
        i++; // '}'
        return o;
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        i++;
        return a;
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) {
      i += m[0].length;
      return m[1] || m[2] ? Number(m[0]) : BigInt(m[0]);
    }
    for (const [w, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(w, i)) { i += w.length; return v; }
    }
    throw new Error(`bad JSON at ${i}`);
  };
  return value();
}

/** An expected float compared with a relative tolerance. */
export class Approx { constructor(readonly value: number) {} }
/** An expected Go error value; `message` null when the test does not pin it. */
export class ExpectedError { constructor(readonly message: string | null) {} }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes the value markers into Oort values (expected-only markers become Approx/ExpectedError). */
export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (!isObj(v)) return v;
  if ('$int' in v) return BigInt(v.$int as string);
  if ('$float' in v) {
    const s = v.$float as string;
    return s === 'NaN' ? NaN : s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
  }
  if ('$float32' in v) return Number(v.$float32);
  if ('$approx' in v) return new Approx(Number(v.$approx));
  if ('$error' in v) return new ExpectedError((v.$error as string | null) ?? null);
  if ('$bytes' in v) return new Uint8Array(Buffer.from(v.$bytes as string, 'base64'));
  if ('$time_ms' in v) return new Date(Number(v.$time_ms));
  if ('$time_ns' in v) return new Date(Number(BigInt(v.$time_ns as string | bigint) / 1000000n));
  if ('$duration_ms' in v) return BigInt(v.$duration_ms as bigint | number) * 1000000n;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = decodeValue(v[k]);
  return o;
}

/** Decodes a `$ast` argument of a validate case into the planner's ArgInfo. */
export function decodeArgInfo(v: unknown): ArgInfo {
  if (!isObj(v) || !('$ast' in v)) return { kind: 'expr' };
  switch (v.$ast) {
    case 'IntegerLiteral': return { kind: 'literal', value: BigInt(v.val as bigint) };
    case 'NumberLiteral': return { kind: 'literal', value: Number(v.val) };
    case 'StringLiteral': return { kind: 'literal', value: v.val as string };
    case 'BooleanLiteral': return { kind: 'literal', value: v.val as boolean };
    case 'FieldRef': return { kind: 'field', name: v.name as string };
    case 'Wildcard': return { kind: 'wildcard' };
    default: return { kind: 'expr' }; // TimeLiteral, calls, binary expressions
  }
}
