import type { PoolOptions } from 'mysql2';
import { parseDuration } from '@oort/sdk';

/**
 * Connection options from either URL form:
 * - the Go driver DSN of the eKuiper tutorial, `user:pass@tcp(host:port)/db?param=value`
 *   (also `unix(/path/to.sock)`; the password may contain `@`, as in Go the last `@` splits);
 * - a URL, `mysql://user:pass@host:port/db?param=value` (percent-encoded user and password).
 *
 * Recognised parameters: `charset`, `timeout` (Go duration: connect timeout), `ssl=true`.
 * Throws with a message naming the problem for anything else malformed.
 *
 * @example
 * ```ts
 * parseMySqlUrl('root:secret@tcp(127.0.0.1:3306)/test') // { host: '127.0.0.1', port: 3306, user: 'root', ... }
 * ```
 */
export function parseMySqlUrl(url: string): PoolOptions {
  const u = url.trim();
  if (/^(mysql|mariadb):\/\//i.test(u)) return fromUrl(u);
  return fromGoDsn(u);
}

function fromUrl(text: string): PoolOptions {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`url is not a valid mysql:// URL: ${redact(text)}`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const opts: PoolOptions = {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: database || undefined,
  };
  return withParams(opts, u.searchParams);
}

const GO_ADDR_DB = /^(?:(\w+)(?:\((.*)\))?)?\/([^/?]*)(?:\?(.*))?$/s;

function fromGoDsn(text: string): PoolOptions {
  // As the Go driver does: the database follows the last '/', the credentials end at the last
  // '@' before it, so passwords may contain '@', '/' and ':'.
  const slash = text.lastIndexOf('/');
  const at = slash < 0 ? -1 : text.lastIndexOf('@', slash);
  const cred = at < 0 ? undefined : text.slice(0, at);
  const m = GO_ADDR_DB.exec(text.slice(at + 1));
  if (slash < 0 || !m) throw new Error(`url must look like user:pass@tcp(host:port)/db or mysql://user:pass@host:port/db, got ${redact(text)}`);
  const [user, password] = cred === undefined ? [undefined, undefined] : splitOnce(cred, ':');
  const net = m[1] ?? 'tcp';
  const addr = m[2] ?? '';
  const opts: PoolOptions = { user: user || undefined, password: password || undefined, database: m[3] || undefined };
  if (net === 'unix') {
    opts.socketPath = addr || '/tmp/mysql.sock';
  } else if (net === 'tcp' || net === 'tcp6' || net === 'tcp4') {
    const hp = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(addr);
    if (!hp) throw new Error(`url has a malformed address "${addr}"`);
    opts.host = hp[1] ?? (hp[2] || '127.0.0.1');
    opts.port = hp[3] ? Number(hp[3]) : 3306;
  } else {
    throw new Error(`url uses network "${net}": only tcp and unix are supported`);
  }
  return withParams(opts, new URLSearchParams(m[4] ?? ''));
}

function withParams(opts: PoolOptions, params: URLSearchParams): PoolOptions {
  const charset = params.get('charset');
  if (charset) opts.charset = charset.split(',')[0];
  const timeout = params.get('timeout');
  if (timeout) {
    const ms = parseDuration(timeout);
    if (ms === undefined) throw new Error(`url parameter timeout must be a duration such as 5s, got ${timeout}`);
    opts.connectTimeout = ms;
  }
  if (params.get('ssl') === 'true' || params.get('tls') === 'true') opts.ssl = {};
  return opts;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** The URL with its password masked, for error messages and logs. */
export function redact(url: string): string {
  return url.replace(/^((?:mysql|mariadb):\/\/[^:/@]*:)[^@]*@/i, '$1******@').replace(/^([^:/@()]*:)[^@]*(@[a-z0-9]*\()/i, '$1******$2');
}
