/**
 * Other functions (eKuiper `funcs_misc.go`, `funcs_global_state.go`) and the intrinsics the
 * compiler evaluates itself (meta, mqtt, window_start, window_end, event_time,
 * window_trigger, rule_id, rule_start, last_hit_*, last_agg_hit_*). Intrinsics are registered
 * so names resolve and validation runs; their exec bodies follow eKuiper's internal calling
 * convention so they also work when called directly.
 */
import { randomBytes } from 'node:crypto';
import { define, fail, errInfo, vLen, vNoArg, vOneArg, vOneStr, notNumber, isNumericArg, isStringArg, isBoolArg, isTimeArg, literalOf } from './define.js';
import { castTo, toInt } from './cast.js';
import { formatValue } from '../runtime/value.js';
import type { FunctionContext } from '@oort/sdk';

const C = 'other';

define(C, 'isnull', { validate: vOneArg, exec: (_c, a) => a[0] === null || a[0] === undefined });
define(C, 'coalesce', {
  validate: (a) => (a.length === 0 ? 'The arguments should be at least one.' : undefined),
  exec: (_c, a) => a.find((x) => x !== null && x !== undefined) ?? null,
});

// UUID version 1 (time + random node), as Go's uuid.NewUUID.
let clockSeq = randomBytes(2).readUInt16BE(0) & 0x3fff;
let lastT = 0n;
const node = randomBytes(6);
node[0] |= 0x01;
export function uuidV1(nowMs: number): string {
  let t = BigInt(nowMs) * 10000n + 122192928000000000n;
  if (t <= lastT) { t = lastT + 1n; }
  if (t === lastT) clockSeq = (clockSeq + 1) & 0x3fff;
  lastT = t;
  const tl = (t & 0xffffffffn).toString(16).padStart(8, '0');
  const tm = ((t >> 32n) & 0xffffn).toString(16).padStart(4, '0');
  const th = (((t >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
  const cs = (clockSeq | 0x8000).toString(16).padStart(4, '0');
  return `${tl}-${tm}-${th}-${cs}-${node.toString('hex')}`;
}
define(C, 'newuuid', { validate: vNoArg, exec: (ctx) => uuidV1(ctx.clock.now()) });
define(C, 'tstamp', { validate: vNoArg, exec: (ctx) => BigInt(ctx.clock.now()) });

let snowSeq = 0n;
define(C, 'props', {
  nil: 'nil', validate: vOneStr,
  // Static properties from env KUIPER_PROPS_<NAME>; `et` is the current time and `snowflake`
  // a unique id, as eKuiper's props.
  exec: (ctx, a) => {
    if (typeof a[0] !== 'string') return fail(`invalid input ${formatValue(a[0])}: must be property name of string type`);
    if (a[0] === 'et') return BigInt(ctx.clock.now());
    if (a[0] === 'snowflake') { snowSeq = (snowSeq + 1n) & 0xfffn; return ((BigInt(ctx.clock.now()) - 1288834974657n) << 22n) | snowSeq; }
    const v = process.env[`KUIPER_PROPS_${a[0].toUpperCase()}`];
    return v === undefined ? fail(`property ${a[0]} not found`) : v;
  },
});
define(C, 'bypass', { validate: () => undefined, exec: (_c, a) => a[0] });

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
define(C, 'delay', {
  nil: 'nil',
  validate: (a) => vLen(2, a.length) ?? (notNumber(a[0]) ? errInfo(0, 'number - float or int') : undefined),
  // eKuiper sleeps its goroutine; Oort blocks for at most 10 s so a rule cannot hang forever.
  exec: (_c, a) => {
    const d = Number(toInt(a[0], 'samekind'));
    if (d > 0) Atomics.wait(sleepCell, 0, 0, Math.min(d, 10000));
    return a[1];
  },
});

const KEYED_TYPES = ['bigint', 'float', 'string', 'boolean', 'datetime'];
/**
 * Stub: Oort has no external keyed-state store yet, so every key is missing and the default
 * (third argument) is returned, as eKuiper does when the key is not found.
 */
define(C, 'get_keyed_state', {
  validate: (a) => {
    const e = vLen(3, a.length);
    if (e) return e;
    if (isNumericArg(a[1]) || isTimeArg(a[1]) || isBoolArg(a[1])) return errInfo(0, 'string');
    if (isStringArg(a[1]) && !KEYED_TYPES.includes(literalOf(a[1]) as string)) {
      return 'expect one of following value for the 2nd parameter: bigint, float, string, boolean, datetime';
    }
    return undefined;
  },
  exec: (ctx, a) => {
    if (a.length !== 3) return fail('the args must be two or three');
    if (typeof a[0] !== 'string') return fail(`key ${formatValue(a[0])} is not a string`);
    const store = (ctx as FunctionContext & { keyedState?: (k: string) => unknown }).keyedState;
    const v = store?.(a[0]);
    return v === undefined ? a[2] : castTo(v, a[1]);
  },
});

// ---- intrinsics ----
const I = { kind: 'intrinsic' as const, nil: 'none' as const };
define(C, 'meta', {
  ...I,
  validate: (a) => vLen(1, a.length) ?? (a[0].kind === 'literal' ? errInfo(0, 'meta reference') : undefined),
  // The compiler resolves the meta key and passes its value.
  exec: (_c, a) => a[0] ?? null,
});
define(C, 'mqtt', {
  ...I,
  validate: (a) => {
    const e = vLen(1, a.length);
    if (e) return e;
    if (a[0].kind === 'literal') return errInfo(0, 'meta reference');
    if (a[0].kind === 'field' && !['topic', 'messageid'].includes(a[0].name.toLowerCase())) {
      return 'Parameter of mqtt function can be only topic or messageid.';
    }
    return undefined;
  },
  exec: (_c, a) => (typeof a[0] === 'string' ? a[0] : null),
});
// Evaluated by the compiler from the row (window bounds, timestamps); null when called directly.
for (const name of ['window_start', 'window_end', 'event_time', 'window_trigger']) {
  define(C, name, { ...I, validate: vNoArg, exec: (_c, a) => a[0] ?? null });
}
define(C, 'rule_id', { ...I, validate: vNoArg, exec: (ctx) => ctx.ruleId });
define(C, 'rule_start', {
  ...I, validate: vNoArg,
  exec: (ctx) => (ctx as FunctionContext & { ruleStart?: number }).ruleStart ?? null,
});

/**
 * Hit state (eKuiper `funcs_global_state.go`). Internal convention: args = [doUpdate: boolean,
 * eventTime: bigint]; returns the value before the update. The compiler shares one state store
 * per rule for these keys.
 */
function hitCount(key: string) {
  return (ctx: FunctionContext, a: unknown[]) => {
    const lv = ctx.state.get<bigint>(key) ?? 0n;
    if (a[0] === true) ctx.state.put(key, lv + 1n);
    return lv;
  };
}
function hitTime(key: string) {
  return (ctx: FunctionContext, a: unknown[]) => {
    const lv = ctx.state.get<bigint>(key) ?? 0n;
    if (a[0] === true) ctx.state.put(key, a[1]);
    return lv;
  };
}
define(C, 'last_hit_count', { ...I, validate: vNoArg, exec: hitCount('$$last_hit_count') });
define(C, 'last_hit_time', { ...I, validate: vNoArg, exec: hitTime('$$last_hit_time') });
define('aggregate', 'last_agg_hit_count', { ...I, validate: vNoArg, exec: hitCount('$$last_agg_hit_count') });
define('aggregate', 'last_agg_hit_time', { ...I, validate: vNoArg, exec: hitTime('$$last_agg_hit_time') });
