/** Hash functions (eKuiper `funcs_misc.go`): lowercase hex of the UTF-8 text of the argument. */
import { createHash } from 'node:crypto';
import { define, vOneStr } from './define.js';
import { str } from './string.js';

const C = 'hash';
for (const [name, algo] of [['md5', 'md5'], ['sha1', 'sha1'], ['sha256', 'sha256'], ['sha384', 'sha384'], ['sha512', 'sha512']] as const) {
  define(C, name, { nil: 'nil', validate: vOneStr, exec: (_c, a) => createHash(algo).update(str(a[0]), 'utf8').digest('hex') });
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of bytes. */
export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
define(C, 'crc32', { nil: 'nil', validate: vOneStr, exec: (_c, a) => crc32(Buffer.from(str(a[0]), 'utf8')).toString(16) });
