import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { PushServer, type PushHandler } from './push-server.js';

export const httpPushSourceSchema: ConfigSchema = {
  datasource: { type: 'string', required: true, description: 'URL path, e.g. /api/data' },
  method: { type: 'string', default: 'POST', enum: ['POST', 'PUT', 'GET', 'DELETE', 'PATCH'] },
  httpServerIp: { type: 'string', default: '127.0.0.1' },
  httpServerPort: { type: 'integer', default: 10081, minimum: 0, maximum: 65535, description: '0 picks a free port' },
  format: { type: 'string', default: 'json', description: 'bodies are checked to be valid JSON when json' },
};

/**
 * Receives data POSTed to a path of a shared HTTP server. Answers 200 when taken, 400 for an
 * empty or (with format json) unparsable body. The port in use is reported in the
 * `connected` status message and readable as `port` (useful with `httpServerPort: 0`).
 */
export class HttpPushSource implements Source {
  /** Port of the most recently connected source's server (tests with port 0). */
  static lastPort = 0;
  private path = '/';
  private method = 'POST';
  private ip = '127.0.0.1';
  private wantPort = 10081;
  private checkJson = true;
  private server: PushServer | undefined;
  private handler: PushHandler | undefined;
  port = 0;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(httpPushSourceSchema, { ...props, method: typeof props.method === 'string' ? props.method.toUpperCase() : props.method });
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.path = (p.datasource as string).startsWith('/') ? (p.datasource as string) : '/' + (p.datasource as string);
    this.method = p.method as string;
    this.ip = p.httpServerIp as string;
    this.wantPort = p.httpServerPort as number;
    this.checkJson = String(p.format).toLowerCase() === 'json';
  }

  async connect(ctx: StreamContext, io: SourceIO): Promise<void> {
    io.status('connecting');
    const server = await PushServer.acquire(this.ip, this.wantPort);
    this.server = server;
    this.port = server.port;
    HttpPushSource.lastPort = this.port;
    this.handler = (body) => {
      if (!body.length) return false;
      if (this.checkJson) {
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          return false;
        }
      }
      io.bytes(body);
      return true;
    };
    try {
      server.addRoute(this.path, this.method, this.handler);
    } catch (e) {
      await server.release();
      this.server = undefined;
      throw new ConfigError((e as Error).message);
    }
    ctx.logger.info(`httppush source listening on http://${this.ip}:${this.port}${this.path}`);
    io.status('connected', `http://${this.ip}:${this.port}${this.path}`);
  }

  async close(_ctx?: StreamContext): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    if (this.handler) s.removeRoute(this.path, this.handler);
    await s.release();
  }
}
