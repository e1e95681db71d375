/**
 * The catalogue of coded errors. Codes are eKuiper's where eKuiper has one (1000-5000),
 * so REST clients written for eKuiper read them unchanged; Oort's own start at 6000.
 * `status` is the HTTP status the REST API answers with. `docs/errors.md` lists the same
 * entries; a test keeps the two in step.
 */
export const ERRORS = {
  UNDEFINED: { code: 1000, status: 400, domain: 'internal', retry: false, text: 'undefined error' },
  GENERAL: { code: 1001, status: 400, domain: 'user', retry: false, text: 'general error' },
  NOT_FOUND: { code: 1002, status: 404, domain: 'user', retry: false, text: 'not found' },
  IO: { code: 1003, status: 400, domain: 'external', retry: true, text: 'io error' },
  CONVERTER: { code: 1004, status: 400, domain: 'user', retry: false, text: 'encode/decode error' },
  EOF: { code: 1005, status: 400, domain: 'user', retry: false, text: 'end of data' },
  SQL_PARSE: { code: 2001, status: 400, domain: 'user', retry: false, text: 'invalid SQL' },
  PLAN: { code: 2101, status: 400, domain: 'user', retry: false, text: 'cannot plan the rule' },
  EXECUTOR: { code: 2201, status: 400, domain: 'internal', retry: false, text: 'execution error' },
  STREAM: { code: 3000, status: 400, domain: 'user', retry: false, text: 'stream or table error' },
  RULE: { code: 4000, status: 400, domain: 'user', retry: false, text: 'rule error' },
  CONF_KEY: { code: 5000, status: 400, domain: 'user', retry: false, text: 'configuration key error' },
  BAD_REQUEST: { code: 6001, status: 400, domain: 'user', retry: false, text: 'malformed request' },
  PAYLOAD_TOO_LARGE: { code: 6002, status: 413, domain: 'user', retry: false, text: 'request body too large' },
  PLUGIN: { code: 6100, status: 400, domain: 'user', retry: false, text: 'plugin error' },
  PLUGIN_INCOMPATIBLE: { code: 6101, status: 400, domain: 'user', retry: false, text: 'plugin built for an unsupported sdk version' },
  PLUGIN_DOWNLOAD: { code: 6102, status: 400, domain: 'external', retry: true, text: 'plugin download failed' },
  PLUGIN_ARCHIVE: { code: 6103, status: 400, domain: 'user', retry: false, text: 'invalid plugin archive' },
  UNAUTHORIZED: { code: 6201, status: 401, domain: 'user', retry: false, text: 'unauthorized' },
  INTERNAL: { code: 6500, status: 500, domain: 'internal', retry: false, text: 'internal error' },
} as const;

export type ErrorName = keyof typeof ERRORS;

/** An error with a catalogue entry; the REST layer maps it to `{"error": code, "message"}`. */
export class OortError extends Error {
  readonly code: number;
  readonly status: number;
  readonly errorName: ErrorName;
  constructor(name: ErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OortError';
    this.errorName = name;
    this.code = ERRORS[name].code;
    this.status = ERRORS[name].status;
  }
}

export function oortError(name: ErrorName, message: string, cause?: unknown): OortError {
  return new OortError(name, message, cause === undefined ? undefined : { cause });
}
