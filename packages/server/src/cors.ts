import type { FastifyInstance } from 'fastify';

const ALLOWED_METHODS = ['POST', 'GET', 'PUT', 'DELETE', 'HEAD'];
const ALLOWED_HEADERS = ['accept', 'accept-language', 'content-type', 'content-language', 'origin', 'authorization'];

/**
 * CORS as eKuiper's gorilla/handlers configuration: any origin, methods POST GET PUT DELETE
 * HEAD, headers Accept, Accept-Language, Content-Type, Content-Language, Origin,
 * Authorization. Preflights are answered here (200, or 405/403 when the method or a header
 * is not allowed); requests without an Origin header are left alone.
 */
export function installCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const preflightMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && typeof preflightMethod === 'string') {
      const method = preflightMethod.toUpperCase();
      if (!ALLOWED_METHODS.includes(method)) return reply.code(405).send();
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '');
      if (requested.some((h) => !ALLOWED_HEADERS.includes(h.toLowerCase()))) return reply.code(403).send();
      reply.header('Access-Control-Allow-Origin', '*').header('Access-Control-Allow-Methods', method);
      if (requested.length > 0) reply.header('Access-Control-Allow-Headers', requested.join(','));
      return reply.code(200).send();
    }
    if (!ALLOWED_METHODS.includes(req.method)) return reply.code(405).send();
    reply.header('Access-Control-Allow-Origin', '*');
  });
}
