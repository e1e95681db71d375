/**
 * A tiny in-memory stand-in for the Oort REST API, on node:http and an ephemeral port.
 * It records every request so tests can check the exact calls the CLI makes, keeps just
 * enough state (streams, tables, rules, plugins) for `apply` to be tested for
 * idempotency, and lets a test override any route to script an answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Io } from '../command-context.js';
import { statementTarget } from '../sql-text.js';

export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  /** Defaults to text/plain for string bodies, application/json otherwise. */
  contentType?: string;
}

type Route = (req: RecordedRequest, params: string[]) => FakeReply;

export class FakeOortServer {
  readonly requests: RecordedRequest[] = [];
  readonly streams = new Map<string, string>();
  readonly tables = new Map<string, string>();
  readonly rules = new Map<string, string>();
  readonly plugins = new Map<string, Map<string, unknown>>();
  private readonly overrides = new Map<string, (req: RecordedRequest) => FakeReply>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const rec: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body };
        this.requests.push(rec);
        const reply = this.handle(rec);
        const isText = typeof reply.body === 'string';
        res.writeHead(reply.status, {
          'content-type': reply.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json'),
        });
        res.end(reply.body === undefined ? '' : isText ? reply.body : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** Answer `METHOD /path` (exact, query included) with a scripted reply. */
  override(key: string, reply: FakeReply | ((req: RecordedRequest) => FakeReply)): void {
    this.overrides.set(key, typeof reply === 'function' ? reply : () => reply);
  }

  /** Requests other than the read-only export `apply` starts with, as `METHOD /path`. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  private handle(req: RecordedRequest): FakeReply {
    const scripted = this.overrides.get(`${req.method} ${req.url}`);
    if (scripted) return scripted(req);
    const path = req.url.split('?')[0]!;
    for (const [method, pattern, route] of this.routes) {
      if (method !== req.method) continue;
      const m = pattern.exec(path);
      if (m) return route(req, m.slice(1).map(decodeURIComponent));
    }
    return { status: 404, body: { error: 1002, message: `no route ${req.method} ${path}` }, contentType: 'text/plain' };
  }

  private kindMap(kind: string): Map<string, string> {
    return kind === 'tables' ? this.tables : this.streams;
  }

  private readonly routes: [string, RegExp, Route][] = [
    ['POST', /^\/(streams|tables)$/, (req) => {
      const sql = (JSON.parse(req.body) as { sql: string }).sql;
      const t = statementTarget(sql);
      if (!t) return err(400, 2001, `Create stream fails: invalid statement ${sql}`);
      const map = t.kind === 'table' ? this.tables : this.streams;
      if (map.has(t.name)) return err(400, 3000, `Create ${t.kind} fails: ${t.name} already exists.`);
      map.set(t.name, sql);
      return { status: 201, body: `${cap(t.kind)} ${t.name} is created.` };
    }],
    ['GET', /^\/(streams|tables)$/, (_req, [kind]) => ({ status: 200, body: [...this.kindMap(kind!).keys()] })],
    ['GET', /^\/(streams|tables)\/([^/]+)$/, (_req, [kind, name]) => {
      if (!this.kindMap(kind!).has(name!)) return err(404, 1002, `${kind!.slice(0, -1)} ${name} is not found`);
      return {
        status: 200,
        body: {
          Name: name,
          StreamFields: [{ Name: 'id', FieldType: 'bigint' }, { Name: 'tags', FieldType: { Type: 'array', ElementType: 'string' } }],
          Options: { datasource: 'demo', format: 'json' },
          StreamType: kind === 'tables' ? 1 : 0,
          Statement: null,
        },
      };
    }],
    ['PUT', /^\/(streams|tables)\/([^/]+)$/, (req, [kind, name]) => {
      const map = this.kindMap(kind!);
      if (!map.has(name!)) return err(404, 1002, `${name} is not found`);
      map.set(name!, (JSON.parse(req.body) as { sql: string }).sql);
      return { status: 200, body: `${cap(kind!.slice(0, -1))} ${name} is replaced.` };
    }],
    ['DELETE', /^\/(streams|tables)\/([^/]+)$/, (_req, [kind, name]) => {
      if (!this.kindMap(kind!).delete(name!)) return err(404, 1002, `${name} is not found`);
      return { status: 200, body: `${cap(kind!.slice(0, -1))} ${name} is dropped.` };
    }],
    ['POST', /^\/rules\/validate$/, () => ({ status: 200, body: { valid: true, sources: ['demo'] } })],
    ['POST', /^\/rules$/, (req) => {
      const rule = JSON.parse(req.body) as { id: string };
      if (this.rules.has(rule.id)) return err(400, 4000, `rule ${rule.id} already exists`);
      this.rules.set(rule.id, req.body);
      return { status: 201, body: `Rule ${rule.id} was created successfully.` };
    }],
    ['GET', /^\/rules$/, () => ({
      status: 200,
      body: [...this.rules.keys()].sort().map((id) => ({ id, name: id, status: 'running', version: '', trace: false, tags: null })),
    })],
    ['GET', /^\/rules\/([^/]+)$/, (_req, [id]) =>
      this.rules.has(id!) ? { status: 200, body: JSON.parse(this.rules.get(id!)!) } : err(404, 1002, `rule ${id} not found`)],
    ['PUT', /^\/rules\/([^/]+)$/, (req, [id]) => {
      this.rules.set(id!, req.body);
      return { status: 200, body: `Rule ${id} was updated successfully.` };
    }],
    ['DELETE', /^\/rules\/([^/]+)$/, (_req, [id]) =>
      this.rules.delete(id!) ? { status: 200, body: `Rule ${id} is dropped.` } : err(400, 4000, `rule ${id} not found`)],
    ['POST', /^\/rules\/([^/]+)\/(start|stop|restart)$/, (_req, [id, action]) => ({
      status: 200,
      body: action === 'start' ? `Rule ${id} was started` : action === 'stop' ? `Rule ${id} was stopped.` : `Rule ${id} was restarted`,
    })],
    ['GET', /^\/rules\/([^/]+)\/status$/, () => ({ status: 200, body: { status: 'running', message: '', source_demo_0_records_in_total: 3 } })],
    ['GET', /^\/rules\/([^/]+)\/topo$/, () => ({
      status: 200,
      body: { sources: ['source_demo'], edges: { source_demo: ['op_2_project'], op_2_project: ['sink_log_0'] } },
    })],
    ['POST', /^\/ruleset\/export$/, () => ({
      status: 200,
      body: {
        streams: Object.fromEntries(this.streams),
        tables: Object.fromEntries(this.tables),
        rules: Object.fromEntries(this.rules),
      },
    })],
    ['POST', /^\/ruleset\/import$/, () => ({ status: 200, body: 'imported 1 streams, 0 tables and 1 rules' })],
    ['POST', /^\/plugins\/(sources|sinks|functions|portables)$/, (req, [type]) => {
      const body = JSON.parse(req.body) as { name: string };
      this.pluginsOf(type!).set(body.name, body);
      return { status: 201, body: `${type} plugin ${body.name} is created` };
    }],
    ['GET', /^\/plugins\/(sources|sinks|functions|portables)$/, (_req, [type]) => ({ status: 200, body: [...this.pluginsOf(type!).keys()] })],
    ['GET', /^\/plugins\/(sources|sinks|functions|portables)\/([^/]+)$/, (_req, [type, name]) =>
      this.pluginsOf(type!).has(name!) ? { status: 200, body: { name, version: '1.0.0' } } : err(404, 1002, `plugin ${name} not found`)],
    ['DELETE', /^\/plugins\/(sources|sinks|functions|portables)\/([^/]+)$/, (_req, [type, name]) => {
      this.pluginsOf(type!).delete(name!);
      return { status: 200, body: `${type} plugin ${name} is deleted and Oort must restart for the change to take effect.` };
    }],
    ['POST', /^\/ruletest\/run$/, () => ({ status: 200, body: { passed: true, cases: 1 } })],
  ];

  private pluginsOf(type: string): Map<string, unknown> {
    let m = this.plugins.get(type);
    if (!m) this.plugins.set(type, (m = new Map()));
    return m;
  }
}

function err(status: number, code: number, message: string): FakeReply {
  // eKuiper writes its JSON error body as text/plain; the fake does the same.
  return { status, body: JSON.stringify({ error: code, message }) + '\n', contentType: 'text/plain; charset=utf-8' };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/** An Io that keeps what the CLI prints, one string per call. */
export class CapturedIo implements Io {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  out = (text: string): void => void this.stdout.push(text);
  err = (text: string): void => void this.stderr.push(text);
  get outText(): string {
    return this.stdout.join('\n');
  }
  get errText(): string {
    return this.stderr.join('\n');
  }
}
