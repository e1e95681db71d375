/**
 * REST client for the Oort (eKuiper-compatible) API. Success bodies are often prose
 * (`Rule r1 was created successfully.`), so the raw text is kept next to the parsed JSON.
 * Errors come as `{"error": code, "message"}`, sometimes labelled text/plain, so the body
 * is parsed whatever its content type says.
 */

export const DEFAULT_SERVER = 'http://127.0.0.1:9081';

export interface RestResponse {
  status: number;
  /** Raw body text. */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** The server answered with an error status. */
export class ServerError extends Error {
  override name = 'ServerError';
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The server could not be reached at all. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(readonly url: string, options?: { cause?: unknown }) {
    super(`cannot reach Oort server at ${url}`, options);
  }
}

export type PluginType = 'sources' | 'sinks' | 'functions' | 'portables';
export type StreamKind = 'stream' | 'table';

export interface RulesetDoc {
  streams: Record<string, string>;
  tables: Record<string, string>;
  rules: Record<string, string>;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class OortClient {
  readonly baseUrl: string;

  constructor(baseUrl: string = DEFAULT_SERVER) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** One REST call; throws ServerError for status >= 400 and ConnectionError when unreachable. */
  async request(method: string, path: string, body?: unknown): Promise<RestResponse> {
    const init: RequestInit = { method, headers: {} };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, init);
    } catch (err) {
      throw new ConnectionError(this.baseUrl, { cause: err });
    }
    const text = await res.text();
    const json = parseJson(text);
    if (res.status >= 400) {
      const obj = json as { error?: unknown; message?: unknown } | undefined;
      const message =
        obj && typeof obj === 'object' && typeof obj.message === 'string'
          ? obj.message
          : text.trim() || `${method} ${path} failed with HTTP ${res.status}`;
      const code = obj && typeof obj === 'object' && typeof obj.error === 'number' ? obj.error : undefined;
      throw new ServerError(res.status, code, message);
    }
    return { status: res.status, text, json };
  }

  // Streams and tables share one handler family on the server; `kind` picks the path.
  createStream(kind: StreamKind, sql: string) {
    return this.request('POST', `/${kind}s`, { sql });
  }
  replaceStream(kind: StreamKind, name: string, sql: string) {
    return this.request('PUT', `/${kind}s/${enc(name)}`, { sql });
  }
  listStreams(kind: StreamKind) {
    return this.request('GET', `/${kind}s`);
  }
  describeStream(kind: StreamKind, name: string) {
    return this.request('GET', `/${kind}s/${enc(name)}`);
  }
  dropStream(kind: StreamKind, name: string, force = false) {
    return this.request('DELETE', `/${kind}s/${enc(name)}${force ? '?force=true' : ''}`);
  }

  createRule(rule: unknown) {
    return this.request('POST', '/rules', rule);
  }
  upsertRule(id: string, rule: unknown) {
    return this.request('PUT', `/rules/${enc(id)}`, rule);
  }
  listRules() {
    return this.request('GET', '/rules');
  }
  getRule(id: string) {
    return this.request('GET', `/rules/${enc(id)}`);
  }
  dropRule(id: string) {
    return this.request('DELETE', `/rules/${enc(id)}`);
  }
  ruleAction(id: string, action: 'start' | 'stop' | 'restart') {
    return this.request('POST', `/rules/${enc(id)}/${action}`);
  }
  ruleStatus(id: string) {
    return this.request('GET', `/rules/${enc(id)}/status`);
  }
  ruleTopo(id: string) {
    return this.request('GET', `/rules/${enc(id)}/topo`);
  }
  validateRule(rule: unknown) {
    return this.request('POST', '/rules/validate', rule);
  }

  importRuleset(content: string) {
    return this.request('POST', '/ruleset/import', { content });
  }
  exportRuleset() {
    return this.request('POST', '/ruleset/export');
  }

  createPlugin(type: PluginType, body: unknown) {
    return this.request('POST', `/plugins/${type}`, body);
  }
  listPlugins(type: PluginType) {
    return this.request('GET', `/plugins/${type}`);
  }
  describePlugin(type: PluginType, name: string) {
    return this.request('GET', `/plugins/${type}/${enc(name)}`);
  }
  dropPlugin(type: PluginType, name: string, stop = false) {
    return this.request('DELETE', `/plugins/${type}/${enc(name)}${stop ? '?stop=1' : ''}`);
  }

  runRuleTest(testCase: string) {
    return this.request('POST', '/ruletest/run', testCase);
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
