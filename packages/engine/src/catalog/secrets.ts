const SECRET_KEY = /password|token|secret/i;
export const MASK = '******';

/** A deep copy with every secret-looking string property (password, token, secret) masked. */
export function maskDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && typeof v === 'string' && v !== '' ? MASK : maskDeep(v);
  }
  return out as T;
}

/**
 * Puts back the stored secrets where a client sent the mask it was shown (a GET, edit, PUT
 * round trip must not replace a password with "******").
 */
export function restoreMasked<T>(incoming: T, stored: unknown): T {
  if (Array.isArray(incoming)) {
    return incoming.map((v, i) => restoreMasked(v, Array.isArray(stored) ? stored[i] : undefined)) as T;
  }
  if (typeof incoming !== 'object' || incoming === null) return incoming;
  const old = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(incoming as Record<string, unknown>)) {
    out[k] = v === MASK && SECRET_KEY.test(k) && typeof old[k] === 'string' ? old[k] : restoreMasked(v, old[k]);
  }
  return out as T;
}
