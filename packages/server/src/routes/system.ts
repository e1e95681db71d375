import { arch as osArch, platform, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.js';

// Go's GOOS/GOARCH names, which eKuiper reports and its clients may compare against.
const GO_OS: Record<string, string> = { win32: 'windows' };
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', x32: '386' };

/** `/`, `/ping`, `/stop`. */
export function systemRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const info = async () => ({
    version: ctx.engine.version,
    os: GO_OS[platform()] ?? platform(),
    arch: GO_ARCH[osArch()] ?? osArch(),
    upTimeSeconds: Math.floor((Date.now() - ctx.engine.startedAt) / 1000),
    memoryUsed: String(process.memoryUsage.rss()),
    memoryTotal: String(totalmem()),
  });
  app.get('/', info);
  app.post('/', info);

  app.get('/ping', async (_req, reply) => reply.code(200).send());

  const onStop = ctx.onStop;
  if (onStop !== undefined) {
    const stop = async (_req: unknown, reply: import('fastify').FastifyReply) => {
      // Answer first; shutting down closes this very server.
      reply.raw.once('finish', () => setImmediate(onStop));
      return reply.type('text/plain; charset=utf-8').send('stop success');
    };
    app.get('/stop', stop);
    app.post('/stop', stop);
  }
}
