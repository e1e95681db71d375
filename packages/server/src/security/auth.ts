import { createHash, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ERRORS, OortError } from '@oort/engine';
import { verifyJwt, type JwtClaims } from './jwt.js';

export interface AuthOptions {
  /** RS256 public keys by file name (`etc/mgmt/*.pub`), see {@link loadPublicKeys}. */
  publicKeys: ReadonlyMap<string, KeyObject>;
  /** Static bearer tokens (compared in constant time). */
  tokens?: readonly string[];
  /** A JWT's `aud` must contain one of these; default eKuiper's "eKuiper" and "oort". */
  audiences?: readonly string[];
  /** Tolerated clock skew in seconds (default 30). */
  leewaySeconds?: number;
  /** Seconds since the epoch (tests). */
  now?: () => number;
}

/** Who made an authenticated request. */
export type Principal = { kind: 'jwt'; claims: JwtClaims } | { kind: 'token' };

/** Routes anyone may call: eKuiper leaves `/` and `/ping` open for health checks. */
const OPEN_ROUTES: ReadonlySet<string> = new Set(['/', '/ping']);

/**
 * Loads the RS256 public keys (PEM) of `<etcDir>/mgmt/*.pub`, keyed by file name, the name a
 * token's `iss` claim gives (eKuiper's convention). A key that cannot be read stops the
 * server: running with fewer keys than configured would lock users out without saying why.
 */
export function loadPublicKeys(mgmtDir: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (!existsSync(mgmtDir)) return keys;
  for (const name of readdirSync(mgmtDir).sort()) {
    if (!name.endsWith('.pub')) continue;
    try {
      const key = createPublicKey(readFileSync(join(mgmtDir, name)));
      if (key.asymmetricKeyType !== 'rsa') throw new Error(`not an RSA key (${key.asymmetricKeyType})`);
      keys.set(name, key);
    } catch (err) {
      throw new OortError('GENERAL', `cannot load public key ${join(mgmtDir, name)}: ${(err as Error).message}`);
    }
  }
  return keys;
}

/** Authentication settings from the etc folder and configured static tokens; refuses an empty setup. */
export function resolveAuthOptions(opts: { etcDir: string; tokens?: readonly string[] }): AuthOptions {
  const publicKeys = loadPublicKeys(join(opts.etcDir, 'mgmt'));
  const tokens = (opts.tokens ?? []).filter((t) => t !== '');
  if (!publicKeys.size && !tokens.length) {
    throw new OortError('GENERAL', `basic.authentication is on but there is no public key in ${join(opts.etcDir, 'mgmt')} and no static token: nobody could call the API`);
  }
  return { publicKeys, tokens };
}

/**
 * A fastify `onRequest` hook that requires a valid credential on every route except `/` and
 * `/ping` (and CORS preflights, which carry none): `Authorization: Bearer <token>` or, as
 * eKuiper's clients send it, the bare token. A token is accepted when it is one of the static
 * tokens, or a JWT verified with one of the public keys. Failures answer 401 with the coded
 * error body `{"error": 6201, "message": ...}` and a `WWW-Authenticate` header.
 */
export function createAuthHook(opts: AuthOptions): onRequestAsyncHookHandler {
  const audiences = opts.audiences ?? ['eKuiper', 'oort'];
  const leeway = opts.leewaySeconds ?? 30;
  const now = opts.now ?? (() => Date.now() / 1000);
  const digests = (opts.tokens ?? []).filter((t) => t !== '').map(digest);
  return async function authenticate(req: FastifyRequest, reply: FastifyReply) {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) return;
    const route = req.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) return;
    const token = bearer(req.headers.authorization);
    if (token === undefined) return refuse(reply, 'missing_token: send Authorization: Bearer <token>');
    if (digests.length) {
      const d = digest(token);
      if (digests.some((x) => timingSafeEqual(x, d))) {
        (req as FastifyRequest & { principal?: Principal }).principal = { kind: 'token' };
        return;
      }
    }
    if (!opts.publicKeys.size) return refuse(reply, 'invalid token');
    try {
      const claims = verifyJwt(token, { keys: opts.publicKeys, audiences, now: now(), leeway });
      (req as FastifyRequest & { principal?: Principal }).principal = { kind: 'jwt', claims };
    } catch (err) {
      return refuse(reply, `validate token error: ${(err as Error).message}`);
    }
  };
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const h = header.trim();
  const m = /^Bearer\s+(.+)$/i.exec(h);
  const t = (m ? m[1]! : h).trim();
  return t === '' ? undefined : t;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function refuse(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="oort"')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: ERRORS.UNAUTHORIZED.code, message }));
}
