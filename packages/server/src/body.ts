import type { FastifyInstance } from 'fastify';
import { OortError } from '@oort/engine';

/**
 * Parses every request body as JSON whatever its Content-Type: eKuiper decodes bodies
 * without looking at the header, and its documented `curl -d` examples send
 * `application/x-www-form-urlencoded`. An empty body becomes `undefined`.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (nestingDepth(text) > MAX_DEPTH) {
      return done(new OortError('BAD_REQUEST', `Invalid body: JSON nested deeper than ${MAX_DEPTH} levels`), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new OortError('BAD_REQUEST', `Invalid body: ${(err as Error).message}`), undefined);
    }
  });
}

/** Deeper bodies are refused before parsing: later recursive walks would overflow the stack. */
const MAX_DEPTH = 128;

/** The deepest nesting of `[`/`{` in JSON text, ignoring brackets inside strings. */
export function nestingDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** The body as a JSON object, or a 400 coded error with `prefix`. */
export function objectBody(body: unknown, prefix = 'Invalid body'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OortError('BAD_REQUEST', `${prefix}: expected a JSON object`);
  }
  return body as Record<string, unknown>;
}

/** A string field of a JSON object body; absent means "". */
export function stringField(body: Record<string, unknown>, field: string, prefix = 'Invalid body'): string {
  const v = body[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new OortError('BAD_REQUEST', `${prefix}: field ${field} must be a string`);
  return v;
}
