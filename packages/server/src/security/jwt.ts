import { verify, type KeyObject } from 'node:crypto';

/** The claims Oort looks at; other claims are ignored. */
export interface JwtClaims {
  iss?: string;
  aud?: string | string[];
  sub?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  [claim: string]: unknown;
}

export interface JwtCheck {
  /** Public keys by name (the key file name, e.g. `sample_key.pub`): `iss` picks the key. */
  keys: ReadonlyMap<string, KeyObject>;
  /** The token's `aud` must contain one of these. */
  audiences: readonly string[];
  /** Seconds since the epoch. */
  now: number;
  /** Tolerated clock skew in seconds. */
  leeway: number;
}

/**
 * Verifies a compact JWS signed with RS256 (the only algorithm accepted: no `none`, no HMAC
 * with a public key as secret), then its `aud`, `exp`, `nbf` and `iat` claims, as eKuiper's
 * golang-jwt setup does. `iss` names the public key; without `iss` every key is tried.
 * Returns the claims, or throws an Error whose message says what is wrong.
 */
export function verifyJwt(token: string, check: JwtCheck): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new Error('malformed token');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h, 'header');
  if (header.alg !== 'RS256') throw new Error(`signing method ${String(header.alg)} is not accepted (use RS256)`);
  const claims = decodeJson(p, 'claims') as JwtClaims;
  const signed = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  const named = typeof claims.iss === 'string' ? [check.keys.get(claims.iss) ?? check.keys.get(`${claims.iss}.pub`)] : [...check.keys.values()];
  const candidates = named.filter((k): k is KeyObject => k !== undefined);
  if (!candidates.length) throw new Error(typeof claims.iss === 'string' ? `no public key named ${claims.iss}` : 'no public key configured');
  if (!candidates.some((k) => safeVerify(signed, k, sig))) throw new Error('signature is invalid');
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!aud.some((a) => check.audiences.includes(a))) throw new Error(`audience field should contain ${check.audiences.join(' or ')}`);
  const { now, leeway } = check;
  if (claims.exp !== undefined && !(typeof claims.exp === 'number' && now < claims.exp + leeway)) throw new Error('token is expired');
  if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && now + leeway >= claims.nbf)) throw new Error('token is not valid yet');
  if (claims.iat !== undefined && !(typeof claims.iat === 'number' && now + leeway >= claims.iat)) throw new Error('token used before issued');
  return claims;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Error(`malformed token ${what}`);
}

function safeVerify(data: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return verify('RSA-SHA256', data, key, sig);
  } catch {
    return false;
  }
}
