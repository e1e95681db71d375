import type { FastifyInstance } from 'fastify';
import type { OortConfig } from '@oort/engine';
import { createAuthHook, resolveAuthOptions } from './auth.js';

export { createAuthHook, loadPublicKeys, resolveAuthOptions, type AuthOptions, type Principal } from './auth.js';
export { verifyJwt, type JwtClaims } from './jwt.js';
export { checkUrl, guardedLookup, isLoopbackHost, urlPolicyFromConfig, type UrlPolicy } from './url-policy.js';

export interface SecurityOptions {
  config: OortConfig;
  /** The etc folder; JWT public keys are read from `<etcDir>/mgmt/*.pub`. */
  etcDir: string;
  /** Static API tokens accepted besides JWTs. */
  tokens?: readonly string[];
}

/**
 * The server's request guards: authentication when `basic.authentication` is on (throws at
 * startup when no key or token is configured). Body limits live where bodies are read: the
 * byte limit is fastify's `bodyLimit` (`basic.maxRequestBodyBytes`), the nesting limit is
 * checked by body.ts before parsing.
 */
export function installSecurity(app: FastifyInstance, o: SecurityOptions): void {
  if (o.config.basic.authentication) app.addHook('onRequest', createAuthHook(resolveAuthOptions({ etcDir: o.etcDir, ...(o.tokens ? { tokens: o.tokens } : {}) })));
}
