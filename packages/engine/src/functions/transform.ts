/** Conversion functions (eKuiper `funcs_misc.go`, `funcs_trans.go`). */
import { deflateRawSync, deflateSync, gzipSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { define, fail, errInfo, vLen, vOneArg, vOneStr, vTwoStr, notString, notNumber, notInt, notDatetime, isStringArg, isFloatArg, isTimeArg, isBoolArg, literalOf } from './define.js';
import { castTo, decodeBase64, toBytes, toFloat, toInt } from './cast.js';
import { checkZone, toTime } from './time.js';
import { str } from './string.js';
import { goRound } from './math.js';
import { formatValue } from '../runtime/value.js';

const C = 'transform';
const TYPES = ['bigint', 'float', 'string', 'boolean', 'datetime', 'bytea'];

define(C, 'cast', {
  nil: 'nil',
  validate: (a) => {
    const e = vLen(2, a.length);
    if (e) return e;
    if (notString(a[1])) return errInfo(0, 'string');
    if (isStringArg(a[1]) && !TYPES.includes(literalOf(a[1]) as string)) {
      return 'Expect one of following value for the 2nd parameter: bigint, float, string, boolean, datetime, bytea.';
    }
    return undefined;
  },
  exec: (_c, a) => castTo(a[0], a[1]),
});

/**
 * Zone of a converted datetime. A JS Date has no zone, so `convert_tz` returns the same
 * instant; encoders that want the zone read it from this map.
 */
export const dateZones = new WeakMap<Date, string>();

define(C, 'convert_tz', {
  nil: 'nil',
  validate: (a) =>
    vLen(2, a.length) ?? (notDatetime(a[0]) ? errInfo(0, 'datetime') : notString(a[1]) ? errInfo(1, 'string') : undefined),
  exec: (_c, a) => {
    const t = toTime(a[0]);
    const zone = str(a[1]);
    checkZone(zone);
    const d = new Date(t.getTime());
    dateZones.set(d, zone === '' ? 'UTC' : zone);
    return d;
  },
});
define(C, 'to_seconds', { nil: 'nil', validate: vOneArg, exec: (_c, a) => BigInt(Math.floor(toTime(a[0]).getTime() / 1000)) });

const vCodec = (a: Parameters<NonNullable<Parameters<typeof define>[2]['validate']>>[0]) => {
  const e = vLen(2, a.length);
  if (e) return e;
  if (notString(a[0])) return errInfo(0, 'string');
  if (!isStringArg(a[1])) return errInfo(1, 'string');
  if (literalOf(a[1]) !== 'base64') return 'Only base64 is supported for the 2nd parameter.';
  return undefined;
};
define(C, 'encode', {
  nil: 'nil', validate: vCodec,
  exec: (_c, a) => {
    if (typeof a[1] !== 'string') return null;
    if (a[1].toLowerCase() !== 'base64') return fail('Only base64 encoding is supported.');
    if (typeof a[0] !== 'string') return fail('Only string type can be encoded.');
    return Buffer.from(a[0], 'utf8').toString('base64');
  },
});
define(C, 'decode', {
  nil: 'nil', validate: vCodec,
  exec: (_c, a) => {
    if (typeof a[1] !== 'string') return null;
    if (a[1].toLowerCase() !== 'base64') return fail('Only base64 decoding is supported.');
    if (typeof a[0] !== 'string') return fail('Only string type can be decoded.');
    const r = decodeBase64(a[0]);
    return r ?? fail('fail to decode base64 string: illegal base64 data at input byte 0');
  },
});

type Codec = (b: Uint8Array) => Uint8Array;
const COMPRESS: Record<string, Codec> = { zlib: (b) => deflateSync(b), gzip: (b) => gzipSync(b), flate: (b) => deflateRawSync(b) };
const DECOMPRESS: Record<string, Codec> = { zlib: (b) => inflateSync(b), gzip: (b) => gunzipSync(b), flate: (b) => inflateRawSync(b) };

function codecFn(name: 'compress' | 'decompress', table: Record<string, Codec>) {
  define(C, name, {
    validate: vTwoStr,
    exec: (ctx, a) => {
      if (a[0] === null || a[0] === undefined) return null;
      const b = toBytes(a[0]);
      if (!b) return fail(`require string or bytea parameter, but got ${formatValue(a[0])}`);
      const method = str(a[1]);
      const prev = ctx.state.get<string>(`${name}Type`);
      if (prev !== undefined && prev !== method) return fail(`${name} type must be consistent, previous ${prev}, now ${method}`);
      const codec = table[method];
      if (!codec) return fail(`unsupported ${name === 'compress' ? 'compressor' : 'decompressor'}: ${method}`);
      if (prev === undefined) ctx.state.put(`${name}Type`, method);
      try { return new Uint8Array(codec(b)); } catch (e) { return fail((e as Error).message); }
    },
  });
}
codecFn('compress', COMPRESS);
codecFn('decompress', DECOMPRESS);

define(C, 'trunc', {
  nil: 'nil',
  validate: (a) =>
    vLen(2, a.length) ?? (isTimeArg(a[0]) || isBoolArg(a[0]) || isStringArg(a[0]) ? errInfo(0, 'number - float or int') : notInt(a[1]) ? errInfo(1, 'int') : undefined),
  exec: (_c, a) => {
    const v = toFloat(a[0], 'samekind');
    if (typeof a[1] !== 'bigint') return fail('The 2nd parameter must be int value.');
    const out = Math.pow(10, Number(a[1]));
    return goRound(v * out) / out;
  },
});
define(C, 'chr', {
  nil: 'nil',
  validate: (a) => vLen(1, a.length) ?? (isFloatArg(a[0]) || isTimeArg(a[0]) || isBoolArg(a[0]) ? errInfo(0, 'int') : undefined),
  exec: (_c, [v]) => {
    if (typeof v === 'bigint') return BigInt.asIntN(32, v);
    if (typeof v === 'number') return BigInt.asIntN(32, BigInt(Math.trunc(v)));
    if (typeof v === 'string') {
      if (Buffer.byteLength(v) > 1) return fail('Parameter length cannot larger than 1.');
      return BigInt(v.codePointAt(0) ?? 65533);
    }
    return fail('Only bigint, float and string type can be convert to char type.');
  },
});
define(C, 'hex2dec', {
  nil: 'nil', validate: vOneStr,
  exec: (_c, [v]) => {
    if (typeof v !== 'string') return fail(`invalid input type: ${formatValue(v)} please input hex string`);
    const hex = v.startsWith('0x') ? v.slice(2) : v;
    if (!/^[+-]?[0-9a-fA-F]+$/.test(hex)) return fail(`invalid hexadecimal value: ${hex}`);
    const n = BigInt((hex[0] === '-' ? '-0x' + hex.slice(1) : '0x' + hex.replace(/^\+/, '')));
    if (n > 9223372036854775807n || n < -9223372036854775808n) return fail(`invalid hexadecimal value: ${hex}`);
    return n;
  },
});
define(C, 'dec2hex', {
  nil: 'nil',
  // eKuiper validates dec2hex with the one-string validator (a bug: its argument is an int).
  validate: (a) => vLen(1, a.length) ?? (notNumber(a[0]) || isFloatArg(a[0]) ? errInfo(0, 'int') : undefined),
  exec: (_c, [v]) => {
    const n = toInt(v, 'strict');
    return (n < 0n ? '0x-' + (-n).toString(16) : '0x' + n.toString(16));
  },
});
