import { ConfigError } from '@oort/sdk';

export type Dialect = 'mysql' | 'postgres' | 'sqlite';

/** A parsed `dburl`: which driver, and where. */
export interface DbTarget {
  dialect: Dialect;
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  /** sqlite: the file path (":memory:" allowed). */
  path?: string;
  /** Query parameters of the URL (postgres `sslmode`, ...). */
  params: Record<string, string>;
}

const SCHEMES: Record<string, Dialect> = {
  mysql: 'mysql',
  mariadb: 'mysql',
  maria: 'mysql',
  my: 'mysql',
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  pgsql: 'postgres',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  sq: 'sqlite',
  file: 'sqlite',
};

/**
 * Parses eKuiper-style database URLs: `mysql://user:pass@host:3306/db`,
 * `postgres://user@host:5432/db?sslmode=disable`, `sqlite:relative/path.db`,
 * `sqlite:/abs/path.db` or `sqlite:///abs/path.db`. Go driver parameters the Node drivers
 * do not know (mysql `parseTime`, ...) are ignored.
 */
export function parseDbUrl(url: string): DbTarget {
  const m = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(url.trim());
  const dialect = m ? SCHEMES[m[1]!.toLowerCase()] : undefined;
  if (!m || !dialect) throw new ConfigError(`unsupported dburl ${redact(url)}: use mysql://, postgres:// or sqlite:`);
  if (dialect === 'sqlite') {
    let rest = m[2]!;
    const q = rest.indexOf('?');
    const params = q >= 0 ? Object.fromEntries(new URLSearchParams(rest.slice(q + 1))) : {};
    if (q >= 0) rest = rest.slice(0, q);
    if (rest.startsWith('//')) rest = rest.slice(2);
    if (!rest) throw new ConfigError('sqlite dburl needs a file path, e.g. sqlite:/var/data/app.db');
    return { dialect, host: '', port: 0, path: decodeURIComponent(rest), params };
  }
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ConfigError(`invalid dburl ${redact(url)}`);
  }
  return {
    dialect,
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : dialect === 'mysql' ? 3306 : 5432,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
    params: Object.fromEntries(u.searchParams),
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1******@');
}
