import { createHash } from 'node:crypto';
import { ConfigError, validateConfig, type ConfigSchema, type Source, type SourceIO, type StreamContext } from '@oort/sdk';
import { CONTENT_TYPES } from '../http-content-types.js';

export const httpPullSourceSchema: ConfigSchema = {
  url: { type: 'string', default: 'http://localhost', description: 'base URL; DATASOURCE is appended' },
  datasource: { type: 'string', default: '', description: 'path appended to url' },
  method: { type: 'string', default: 'GET', enum: ['GET', 'POST', 'PUT', 'DELETE'] },
  interval: { type: 'duration', default: 10000, minimum: 1, description: 'time between two requests' },
  timeout: { type: 'duration', default: 5000 },
  incremental: { type: 'boolean', default: false, description: 'skip a body identical to the previous one' },
  body: { type: 'string', description: 'request body' },
  bodyType: { type: 'string', default: 'json', enum: ['none', 'text', 'json', 'html', 'xml', 'javascript', 'form'] },
  headers: { type: 'object', description: 'header name → value' },
  responseType: { type: 'string', default: 'code', enum: ['code', 'body'], description: 'body: the JSON body must hold a 2xx `code` field' },
};


/**
 * Polls a URL every `interval` (the engine calls `pull`) and hands each response body to
 * the stream's FORMAT decoder. Failures are reported through `io.error` and do not stop it.
 */
export class HttpPullSource implements Source {
  private url = '';
  private method = 'GET';
  private timeout = 5000;
  private incremental = false;
  private body: string | undefined;
  private headers: Record<string, string> = {};
  private responseType = 'code';
  private lastHash = '';

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const input = { ...props, method: typeof props.method === 'string' ? props.method.toUpperCase() : props.method };
    const { props: p, issues } = validateConfig(httpPullSourceSchema, input);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.url = String(p.url) + String(p.datasource ?? '');
    try {
      new URL(this.url);
    } catch {
      throw new ConfigError(`invalid url ${this.url}`);
    }
    this.method = p.method as string;
    this.timeout = p.timeout as number;
    this.incremental = p.incremental as boolean;
    this.body = typeof p.body === 'string' ? p.body : undefined;
    this.headers = Object.fromEntries(Object.entries((p.headers as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));
    const bodyType = p.bodyType as string;
    if (this.body !== undefined && bodyType !== 'none' && !Object.keys(this.headers).some((h) => h.toLowerCase() === 'content-type')) {
      this.headers['Content-Type'] = CONTENT_TYPES[bodyType] ?? 'text/plain';
    }
    this.responseType = p.responseType as string;
  }

  connect(_ctx: StreamContext, io: SourceIO): void {
    io.status('connected');
  }

  async pull(_ctx: StreamContext, _trigger: number, io: SourceIO): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: this.method,
        headers: this.headers,
        body: this.method === 'GET' ? undefined : this.body,
        signal: AbortSignal.timeout(this.timeout),
      });
    } catch (e) {
      const err = e as Error & { cause?: Error };
      io.error(new Error(`httppull ${this.method} ${this.url} failed: ${err.cause?.message ?? err.message}`));
      return;
    }
    const buf = Buffer.from(await res.arrayBuffer());
    if (res.status < 200 || res.status > 299) {
      io.error(new Error(`httppull ${this.url} answered ${res.status}: ${buf.toString('utf8', 0, 200)}`));
      return;
    }
    if (this.responseType === 'body') {
      try {
        const code = Number((JSON.parse(buf.toString('utf8')) as { code?: unknown }).code);
        if (!(code >= 200 && code <= 299)) {
          io.error(new Error(`httppull ${this.url} answered code ${code}`));
          return;
        }
      } catch {
        io.error(new Error(`httppull ${this.url} body is not JSON with a code field`));
        return;
      }
    }
    if (this.incremental) {
      const hash = createHash('md5').update(buf).digest('hex');
      if (hash === this.lastHash) return;
      this.lastHash = hash;
    }
    io.bytes(buf, { url: this.url });
  }

  close(_ctx?: StreamContext): void {}
}
