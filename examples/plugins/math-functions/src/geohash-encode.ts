import type { FunctionDef } from '@oort/sdk';
import { arity, num, numericLiteral } from './arg-checks.js';

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The geohash of a point, `precision` characters long (1 to 12). */
export function geohash(lat: number, lon: number, precision: number): string {
  let latLo = -90, latHi = 90, lonLo = -180, lonHi = 180;
  let out = '';
  let bits = 0, ch = 0, even = true;
  while (out.length < precision) {
    if (even) {
      const mid = (lonLo + lonHi) / 2;
      if (lon >= mid) (ch = (ch << 1) | 1), (lonLo = mid);
      else (ch <<= 1), (lonHi = mid);
    } else {
      const mid = (latLo + latHi) / 2;
      if (lat >= mid) (ch = (ch << 1) | 1), (latLo = mid);
      else (ch <<= 1), (latHi = mid);
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[ch];
      bits = 0;
      ch = 0;
    }
  }
  return out;
}

/**
 * `geohash_encode(lat, lon[, precision])`: the geohash of a point, 12 characters unless
 * `precision` (1 to 12) says otherwise. Out-of-range coordinates are a per-row error.
 *
 * @example
 * ```sql
 * SELECT geohash_encode(lat, lon, 7) AS cell, count(*) FROM demo GROUP BY cell, TUMBLINGWINDOW(ss, 10)
 * ```
 */
export const geohashEncode: FunctionDef = {
  type: 'scalar',
  validate(args) {
    const bad = arity('geohash_encode', args, 2, 3) ?? numericLiteral('geohash_encode', args[0]!, 1) ?? numericLiteral('geohash_encode', args[1]!, 2);
    if (bad) return bad;
    const p = args[2];
    if (p?.kind === 'literal' && !validPrecision(p.value)) return 'geohash_encode: precision must be an integer from 1 to 12';
    return undefined;
  },
  exec(_ctx, [latV, lonV, precV]) {
    const lat = num(latV);
    const lon = num(lonV);
    if (lat === undefined || lon === undefined) return null;
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) throw new Error(`geohash_encode: (${lat}, ${lon}) is not a valid coordinate`);
    const precision = precV === undefined || precV === null ? 12 : Number(precV);
    if (!validPrecision(precision)) throw new Error('geohash_encode: precision must be an integer from 1 to 12');
    return geohash(lat, lon, precision);
  },
};

function validPrecision(v: unknown): boolean {
  const n = typeof v === 'bigint' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 12;
}
