import { ConfigError, IOError, validateConfig, type ConfigSchema, type Sink, type SinkItem, type StreamContext } from '@oort/sdk';
import { CONTENT_TYPES } from '../http-content-types.js';

export const restSinkSchema: ConfigSchema = {
  url: { type: 'string', required: true, description: 'target URL; may be a {{...}} template' },
  method: { type: 'string', default: 'GET', enum: ['GET', 'POST', 'PUT', 'DELETE'], description: 'eKuiper code default GET' },
  bodyType: {
    type: 'string',
    enum: ['none', 'json', 'text', 'html', 'xml', 'javascript', 'form', 'binary'],
    description: 'default none for GET, json otherwise',
  },
  headers: { type: 'object', description: 'header name → value; values may be templates' },
  timeout: { type: 'duration', default: 5000 },
  debugResp: { type: 'boolean', default: false, description: 'log response bodies' },
};


/**
 * Sends each encoded result to an HTTP endpoint. 5xx and 429 answers and network failures
 * throw {@link IOError} (the engine retries or caches); other non-2xx answers throw Error.
 */
export class RestSink implements Sink {
  readonly kind = 'bytes';
  private url = '';
  private method = 'GET';
  private bodyType = 'none';
  private headers: Record<string, string> = {};
  private timeout = 5000;
  private debugResp = false;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const input = { ...props, method: typeof props.method === 'string' ? props.method.toUpperCase() : props.method };
    const { props: p, issues } = validateConfig(restSinkSchema, input);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.url = p.url as string;
    this.method = p.method as string;
    this.bodyType = (p.bodyType as string | undefined) ?? (this.method === 'GET' ? 'none' : 'json');
    this.headers = Object.fromEntries(Object.entries((p.headers as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));
    this.timeout = p.timeout as number;
    this.debugResp = p.debugResp as boolean;
    if (this.bodyType === 'form' && String(props.format ?? 'json').toLowerCase() !== 'urlencoded') {
      throw new ConfigError('rest sink bodyType form requires format urlencoded');
    }
  }

  connect(_ctx: StreamContext, status: (s: 'connected') => void): void {
    status('connected');
  }

  async collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    const url = typeof item.props.url === 'string' ? item.props.url : this.url;
    const headers: Record<string, string> = { ...this.headers };
    const given = item.props.headers;
    if (given && typeof given === 'object') for (const [k, v] of Object.entries(given)) headers[k] = String(v);
    const hasBody = this.bodyType !== 'none' && this.method !== 'GET';
    if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = CONTENT_TYPES[this.bodyType] ?? 'application/octet-stream';
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.timeout);
    let res: Response;
    try {
      res = await fetch(url, { method: this.method, headers, body: hasBody ? (item.payload ?? new Uint8Array()) : undefined, signal: ac.signal });
    } catch (e) {
      const err = e as Error & { cause?: Error };
      throw new IOError(`rest sink ${this.method} ${url} failed: ${ac.signal.aborted ? `timeout after ${this.timeout} ms` : (err.cause?.message ?? err.message)}`);
    } finally {
      clearTimeout(timer);
    }
    const text = await res.text().catch(() => '');
    if (this.debugResp) ctx.logger.info(`rest sink ${this.method} ${url} answered ${res.status}: ${text}`);
    if (res.status >= 200 && res.status < 300) return;
    const msg = `rest sink ${this.method} ${url} answered ${res.status}: ${text.slice(0, 200)}`;
    if (res.status >= 500 || res.status === 429) throw new IOError(msg);
    throw new Error(msg);
  }

  /** Nothing is buffered: each collect finishes its request (bounded by `timeout`). */
  close(_ctx?: StreamContext): void {}
}
