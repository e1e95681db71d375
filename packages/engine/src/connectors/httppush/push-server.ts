import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Handles a request body for one path; returns false to answer 400. */
export type PushHandler = (body: Buffer, req: IncomingMessage) => boolean;

/** Answers a request itself (server-sent events of trial runs). */
export type StreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Route {
  method: string;
  handlers: Set<PushHandler>;
  stream?: StreamHandler;
}

const MAX_BODY = 16 * 1024 * 1024;

/**
 * One HTTP server per ip:port shared by every httppush source on it (eKuiper's global
 * `source.httpServerIp/Port`). Created on first use, closed when its last route goes.
 */
export class PushServer {
  private static servers = new Map<string, PushServer>();
  private readonly routes = new Map<string, Route>();
  private readonly server: Server;
  private readonly ready: Promise<void>;
  private refs = 0;

  private constructor(
    private readonly key: string,
    ip: string,
    port: number,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.ready = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, ip, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** The server for ip:port, started if needed. Port 0 shares one ephemeral server. */
  static async acquire(ip: string, port: number): Promise<PushServer> {
    const key = `${ip}:${port}`;
    let s = PushServer.servers.get(key);
    if (!s) {
      s = new PushServer(key, ip, port);
      PushServer.servers.set(key, s);
    }
    s.refs++;
    try {
      await s.ready;
    } catch (e) {
      s.refs--;
      if (PushServer.servers.get(key) === s) PushServer.servers.delete(key);
      throw e;
    }
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  addRoute(path: string, method: string, handler: PushHandler): void {
    let r = this.routes.get(path);
    if (!r) {
      r = { method, handlers: new Set() };
      this.routes.set(path, r);
    } else if (r.method !== method) throw new Error(`path ${path} is already served with method ${r.method}`);
    r.handlers.add(handler);
  }

  /** Serves `path` with a handler that writes the response itself. */
  addStreamRoute(path: string, method: string, handler: StreamHandler): void {
    if (this.routes.has(path)) throw new Error(`path ${path} is already served`);
    this.routes.set(path, { method, handlers: new Set(), stream: handler });
  }

  removeStreamRoute(path: string): void {
    if (this.routes.get(path)?.stream) this.routes.delete(path);
  }

  removeRoute(path: string, handler: PushHandler): void {
    const r = this.routes.get(path);
    if (!r) return;
    r.handlers.delete(handler);
    if (!r.handlers.size) this.routes.delete(path);
  }

  async release(): Promise<void> {
    if (--this.refs > 0) return;
    if (PushServer.servers.get(this.key) === this) PushServer.servers.delete(this.key);
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = this.routes.get(path);
    if (!route) return void res.writeHead(404).end('not found');
    if (req.method !== route.method) return void res.writeHead(405).end('method not allowed');
    if (route.stream) return route.stream(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end('body too large');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks);
      let ok = true;
      for (const h of route.handlers) ok = h(body, req) && ok;
      if (ok) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request body');
    });
  }
}
