import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder for fault tests: listens on an ephemeral port of 127.0.0.1 and forwards
 * each connection to `target`. `cut()` destroys every open connection and refuses new ones
 * (they are accepted and closed at once, as a dead link does); `restore()` forwards again.
 * It simulates the outage of a shared service without touching the service itself.
 */
export class TcpProxy {
  private server?: Server;
  private readonly open = new Set<Socket>();
  private down = false;
  port = 0;
  /** Connections forwarded so far. */
  connections = 0;

  constructor(private readonly target: { host?: string; port: number }) {}

  async start(): Promise<this> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Drops all connections and refuses new ones until `restore()`. */
  cut(): void {
    this.down = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    this.connections++;
    const upstream = createConnection({ host: this.target.host ?? '127.0.0.1', port: this.target.port });
    this.open.add(client);
    this.open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.open.delete(client);
      this.open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
