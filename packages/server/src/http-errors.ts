import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, OortError, type ErrorName } from '@oort/engine';
import type { Logger } from '@oort/sdk';

/**
 * Maps every failure to eKuiper's error body `{"error": code, "message": "prefix: text"}`.
 * Status comes from the error catalogue (404 for not found, 400 for most, 413 for a body too
 * large); anything that is not a coded error is a bug: 500 with code 6500 and a log line.
 */
export function sendError(reply: FastifyReply, err: unknown, log: Logger, request?: FastifyRequest): FastifyReply {
  const { status, code, message } = describeError(err);
  if (status >= 500) {
    const where = request === undefined ? '' : ` on ${request.method} ${request.url}`;
    log.error(`internal error${where}: ${message}`, err instanceof Error ? err.stack : err);
  } else {
    log.debug(`request failed with ${status} (${code}): ${message}`);
  }
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ error: code, message }));
}

/** An OortError whose message carries eKuiper's handler prefix, e.g. "describe stream error: ...". */
export function withPrefix(prefix: string, err: unknown): unknown {
  if (!isOortError(err) || prefix === '') return err;
  const out = new OortError(err.errorName, `${prefix}: ${err.message}`, { cause: err });
  return out;
}

/** Runs `fn`, prefixing the message of a coded error it throws. */
export async function prefixed<T>(prefix: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw withPrefix(prefix, err);
  }
}

export function httpError(name: ErrorName, message: string): OortError {
  return new OortError(name, message);
}

interface Described {
  status: number;
  code: number;
  message: string;
}

function describeError(err: unknown): Described {
  if (isOortError(err)) return { status: err.status, code: err.code, message: err.message };
  const fe = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof fe?.code === 'string' && fe.code.startsWith('FST_')) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { status: 413, code: ERRORS.PAYLOAD_TOO_LARGE.code, message: `Invalid body: ${String(fe.message)}` };
    }
    const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 400;
    return { status, code: ERRORS.BAD_REQUEST.code, message: `Invalid request: ${String(fe.message)}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, code: ERRORS.INTERNAL.code, message: `internal error: ${message}` };
}

/** Duck-typed so errors from another copy of the engine module are still recognised. */
export function isOortError(err: unknown): err is OortError {
  if (err instanceof OortError) return true;
  const e = err as Partial<OortError> | null;
  return (
    typeof e === 'object' && e !== null && e.name === 'OortError' &&
    typeof e.code === 'number' && typeof e.status === 'number' && typeof e.errorName === 'string'
  );
}
