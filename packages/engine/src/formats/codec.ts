import type { Row } from '@oort/sdk';
import type { StreamField } from '../sql/ast.js';

/** Turns payloads into rows (sources) and rows into payloads (sinks). */
export interface Codec {
  /** One row, or several when the payload holds a batch. Throws on a bad payload. */
  decode(payload: Uint8Array): Row | Row[];
  encode(value: Row | Row[]): Uint8Array;
}

export interface CodecOptions {
  /** Declared stream fields; empty or absent means schemaless. */
  schema?: readonly StreamField[];
  /** `delimited`: separator (default `,`). */
  delimiter?: string;
  /** `delimited`: column names when decoding, column order when encoding. */
  fields?: string[];
  /** `delimited`: first line is a header (decode) / write a header line (encode). */
  hasHeader?: boolean;
  /** `json`: whole numbers decode to bigint instead of number. */
  useInt64ForWholeNumber?: boolean;
}

/** Text of a payload without copying it. */
export function payloadText(payload: Uint8Array): string {
  return Buffer.isBuffer(payload)
    ? payload.toString('utf8')
    : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
}

export function textPayload(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}
