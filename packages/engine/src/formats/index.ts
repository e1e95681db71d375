import { BinaryCodec } from './binary-codec.js';
import type { Codec, CodecOptions } from './codec.js';
import { DelimitedCodec } from './delimited-codec.js';
import { JsonCodec } from './json-codec.js';
import { UrlEncodedCodec } from './urlencoded-codec.js';

export type { Codec, CodecOptions } from './codec.js';
export { encodeJSONText } from './json-codec.js';
export { compileSchema } from './schema-convert.js';

const FACTORIES: Record<string, (opts: CodecOptions) => Codec> = {
  json: (o) => new JsonCodec(o),
  delimited: (o) => new DelimitedCodec(o),
  binary: (o) => new BinaryCodec(o),
  urlencoded: (_o) => new UrlEncodedCodec(),
};

/** Names of the built-in formats. */
export const FORMATS = Object.keys(FACTORIES);

/**
 * The codec for a stream's FORMAT or a sink's `format` (case-insensitive), compiled once.
 * Throws `unknown format X` for anything else.
 */
export function getCodec(format: string, opts: CodecOptions = {}): Codec {
  const f = FACTORIES[format.toLowerCase()];
  if (!f) throw new Error(`unknown format ${format}`);
  return f(opts);
}
