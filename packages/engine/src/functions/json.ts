/** JSON functions (eKuiper `funcs_misc.go`). */
import { define, fail, vOneArg, vOneStr, vLen, errInfo, isStringArg, type Validator } from './define.js';
import { formatValue, isMap } from '../runtime/value.js';
import { evalPath } from './jsonpath.js';
import { floatToGoJson } from './go-json.js';

const C = 'json';

/** Go encoding/json.Marshal of a value: sorted map keys, HTML-safe escaping, bytes as base64. */
export function goMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return quote(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (!Number.isFinite(v)) return fail(`json: unsupported value: ${formatValue(v)}`);
      return floatToGoJson(v);
  }
  if (v instanceof Date) return quote(v.toISOString().replace('.000Z', 'Z'));
  if (v instanceof Uint8Array) return quote(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  if (isMap(v)) return '{' + Object.keys(v).sort().map((k) => quote(k) + ':' + goMarshal(v[k])).join(',') + '}';
  return 'null';
}

function quote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Go-like error text for invalid JSON (the common cases). */
function goJsonError(text: string, e: Error): string {
  const t = text.trim();
  if (t.length === 0) return 'unexpected end of JSON input';
  const first = t[0];
  if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
  const m = /position (\d+)/.exec(e.message);
  if (m) {
    const pos = Number(m[1]);
    if (pos >= text.length) return 'unexpected end of JSON input';
    return `invalid character '${text[pos]}' after top-level value`;
  }
  return 'unexpected end of JSON input';
}

define(C, 'to_json', {
  nil: 'nil', validate: vOneArg,
  exec: (_c, a) => {
    try { return goMarshal(a[0]); } catch { return fail(`fail to convert ${formatValue(a[0])} to json`); }
  },
});
define(C, 'parse_json', {
  validate: vOneStr,
  exec: (_c, a) => {
    if (a[0] === null || a[0] === undefined || a[0] === 'null') return null;
    let text: string;
    if (typeof a[0] === 'string') text = a[0];
    else if (a[0] instanceof Uint8Array) text = Buffer.from(a[0]).toString('utf8');
    else return fail(`fail to convert ${formatValue(a[0])} to string`);
    try { return JSON.parse(text); } catch (e) { return fail(`fail to parse json: ${goJsonError(text, e as Error)}`); }
  },
});

const vJson: Validator = (a) => vLen(2, a.length) ?? (!isStringArg(a[1]) ? errInfo(1, 'string') : undefined);

function jsonCall(a: unknown[]): unknown {
  if (typeof a[1] !== 'string') throw new Error(`invalid jsonPath, must be a string but got ${formatValue(a[1])}`);
  let input = a[0];
  if (typeof input === 'string') {
    try { input = JSON.parse(input); } catch { throw new Error(`data '${input}' is not a valid json string`); }
  } else if (input === null || input === undefined) {
    throw new Error('invalid data nil for jsonpath');
  } else if (!Array.isArray(input) && !isMap(input)) {
    throw new Error(`invalid data ${formatValue(input)} for jsonpath`);
  }
  return evalPath(a[1], input);
}

define(C, 'json_path_query', {
  validate: vJson,
  exec: (_c, a) => { try { return jsonCall(a); } catch (e) { return fail((e as Error).message); } },
});
define(C, 'json_path_query_first', {
  validate: vJson,
  exec: (_c, a) => {
    let r: unknown;
    try { r = jsonCall(a); } catch (e) { return fail((e as Error).message); }
    if (Array.isArray(r)) return r.length ? r[0] : fail('index out of range');
    return fail(`query result (${formatValue(r)}) is not an array`);
  },
});
define(C, 'json_path_exists', {
  validate: vJson,
  exec: (_c, a) => {
    let r: unknown;
    try { r = jsonCall(a); } catch { return false; }
    if (r === null || r === undefined) return false;
    if (Array.isArray(r)) return r.length > 0;
    return true;
  },
});
