import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '@oort/engine';

export interface RequestLimits {
  /** Deepest nesting of arrays/objects a JSON body may have (default 64). */
  maxDepth?: number;
  /** Most values (objects, arrays, scalars) a JSON body may hold (default 1,000,000). */
  maxValues?: number;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_VALUES = 1_000_000;

/**
 * How the parsed JSON `value` breaks `limits`, or undefined when it does not. Iterative, so
 * a 10,000-level body cannot overflow the stack here (recursive walks further on would).
 */
export function jsonLimitBreach(value: unknown, limits: RequestLimits = {}): string | undefined {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxValues = limits.maxValues ?? DEFAULT_MAX_VALUES;
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: [unknown, number][] = [[value, 1]];
  let seen = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++seen > maxValues) return `more than ${maxValues} values`;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
      else if (++seen > maxValues) return `more than ${maxValues} values`;
  }
  return undefined;
}

/**
 * Refuses parsed bodies nested deeper or holding more values than `limits` allow, with the
 * coded 400 body `{"error": 6001, "message": ...}`, before any route sees them. The byte
 * size limit is fastify's `bodyLimit` (`basic.maxRequestBodyBytes`, answered 413).
 */
export function installRequestLimits(app: FastifyInstance, limits: RequestLimits = {}): void {
  app.addHook('preValidation', async (req: FastifyRequest, reply: FastifyReply) => {
    const breach = jsonLimitBreach(req.body, limits);
    if (breach === undefined) return;
    return reply
      .code(400)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ error: ERRORS.BAD_REQUEST.code, message: `Invalid body: ${breach}` }));
  });
}
