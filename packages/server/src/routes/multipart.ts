import { OortError } from '@oort/engine';

/** One part of a `multipart/form-data` body; `filename` is set for file parts only. */
export interface FormPart {
  field: string;
  filename?: string;
  data: Buffer;
}

/** A file part. */
export type FilePart = FormPart & { filename: string };

/** The file parts of a buffered `multipart/form-data` body; other fields are skipped. */
export function parseMultipart(body: Buffer, contentType: string): FilePart[] {
  return parseFormData(body, contentType).filter((p): p is FilePart => p.filename !== undefined);
}

/**
 * The parts of a buffered `multipart/form-data` body (RFC 7578). Small on purpose: no
 * streaming, no nested multipart, no `filename*`; enough for the one file (and a few short
 * fields) that `/config/uploads` and the schema upload take.
 */
export function parseFormData(body: Buffer, contentType: string): FormPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (boundary === undefined) throw new OortError('BAD_REQUEST', 'multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new OortError('BAD_REQUEST', 'multipart body without its boundary');
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    const headersStart = skipCrlf(body, pos);
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) throw new OortError('BAD_REQUEST', 'multipart part without headers end');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (next < 0) throw new OortError('BAD_REQUEST', 'multipart body is not terminated');
    const headers = body.subarray(headersStart, headersEnd).toString('utf8');
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const field = param(disposition, 'name');
    const filename = param(disposition, 'filename');
    if (field !== undefined) {
      const data = body.subarray(headersEnd + 4, next);
      parts.push(filename === undefined ? { field, data } : { field, filename, data });
    }
    pos = next + 2;
  }
  return parts;
}

function skipCrlf(b: Buffer, pos: number): number {
  return b[pos] === 0x0d && b[pos + 1] === 0x0a ? pos + 2 : pos;
}

function param(header: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const m = re.exec(header);
  if (m === null) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}
