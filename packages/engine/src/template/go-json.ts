/**
 * JSON text as Go's encoding/json writes it for sprig's `toJson`: map keys sorted, `<`, `>`
 * and `&` escaped, integers (bigint) as digits, bytes as base64, times as RFC 3339.
 * Only templates use it; sinks encode rows with the faster formats/json codec.
 */
export function goJSON(v: unknown): string {
  return write(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
  }
  if (v === null) return 'null';
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  if (Array.isArray(v)) return '[' + v.map(write).join(',') + ']';
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i) out += ',';
    out += JSON.stringify(keys[i]) + ':' + write(o[keys[i]!]);
  }
  return out + '}';
}
