/** What GETs show instead of a secret. */
export const MASK = '******';

const SENSITIVE = /password|token/i;

/** Copy of `props` with every value under a password/token-like key replaced by {@link MASK}, nested maps included. */
export function maskSecrets(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (SENSITIVE.test(k) && v !== '' && v !== null && v !== undefined) out[k] = MASK;
    else if (isMap(v)) out[k] = maskSecrets(v);
    else out[k] = v;
  }
  return out;
}

/**
 * A client that read masked props and sends them back unchanged must not overwrite the secret
 * with the mask: values equal to {@link MASK} under sensitive keys take the stored value.
 */
export function unmaskSecrets(incoming: Record<string, unknown>, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  if (stored === undefined) return incoming;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(incoming)) {
    const old = stored[k];
    if (v === MASK && SENSITIVE.test(k) && old !== undefined) out[k] = old;
    else if (isMap(v) && isMap(old)) out[k] = unmaskSecrets(v, old);
    else out[k] = v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
