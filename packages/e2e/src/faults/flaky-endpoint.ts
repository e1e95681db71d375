import { createServer, type Server } from 'node:http';

/**
 * A local HTTP endpoint for sink fault tests: records the body of every request it accepts
 * and answers 503 (without recording) while `failing`.
 */
export class FlakyEndpoint {
  failing = false;
  readonly bodies: string[] = [];
  refused = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failing) {
          this.refused++;
          res.writeHead(503).end('maintenance');
          return;
        }
        this.bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ingest`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
