/**
 * Declares the properties a connector or function accepts. The engine validates
 * `WITH (...)` options, source conf keys and sink action properties against it before
 * the plugin is provisioned, and the same declaration can drive forms in a UI.
 *
 * @example
 * ```ts
 * const schema: ConfigSchema = {
 *   url: { type: 'string', required: true, description: 'mysql://user:pass@host:3306/db' },
 *   batchSize: { type: 'integer', default: 100, minimum: 1 },
 *   mode: { type: 'string', enum: ['insert', 'upsert'], default: 'insert' },
 * };
 * ```
 */
export type ConfigSchema = Record<string, PropertySchema>;

export interface PropertySchema {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'duration' | 'any';
  required?: boolean;
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  description?: string;
  /** Masked as `******` in every GET and export (passwords, tokens). */
  secret?: boolean;
}

/** One problem found by {@link validateConfig}. */
export interface ConfigIssue {
  property: string;
  message: string;
}

/**
 * Checks `props` against `schema`, fills defaults and converts durations ("10s", "5m",
 * or a number of milliseconds) to milliseconds. Property names match case-insensitively,
 * as eKuiper's do. Unknown properties are kept as they are.
 *
 * @example
 * ```ts
 * const { props, issues } = validateConfig(schema, { URL: 'mysql://...' });
 * if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
 * ```
 */
export function validateConfig(
  schema: ConfigSchema,
  input: Record<string, unknown>,
): { props: Record<string, unknown>; issues: ConfigIssue[] } {
  const props: Record<string, unknown> = { ...input };
  const issues: ConfigIssue[] = [];
  const lower = new Map(Object.keys(input).map((k) => [k.toLowerCase(), k]));
  for (const [name, spec] of Object.entries(schema)) {
    const given = lower.get(name.toLowerCase());
    if (given !== undefined && given !== name) {
      props[name] = props[given];
      delete props[given];
    }
    let v = props[name];
    if (v === undefined || v === null) {
      if (spec.required) issues.push({ property: name, message: `property ${name} is required` });
      else if (spec.default !== undefined) props[name] = spec.default;
      continue;
    }
    const converted = convert(spec, v);
    if (converted.error) {
      issues.push({ property: name, message: `property ${name} ${converted.error}` });
      continue;
    }
    v = converted.value;
    if (spec.enum && typeof v === 'string' && !spec.enum.includes(v)) {
      // "post" means POST: enumerated words match regardless of case, in their declared spelling
      const canonical = spec.enum.find((e) => typeof e === 'string' && e.toLowerCase() === (v as string).toLowerCase());
      if (canonical !== undefined) v = canonical;
    }
    if (spec.enum && !spec.enum.includes(v)) {
      issues.push({ property: name, message: `property ${name} must be one of ${spec.enum.join(', ')}` });
    }
    if (typeof v === 'number') {
      if (spec.minimum !== undefined && v < spec.minimum) issues.push({ property: name, message: `property ${name} must be >= ${spec.minimum}` });
      if (spec.maximum !== undefined && v > spec.maximum) issues.push({ property: name, message: `property ${name} must be <= ${spec.maximum}` });
    }
    props[name] = v;
  }
  return { props, issues };
}

function convert(spec: PropertySchema, v: unknown): { value?: unknown; error?: string } {
  switch (spec.type) {
    case 'string':
      return typeof v === 'string' ? { value: v } : { error: 'must be a string' };
    case 'boolean':
      if (typeof v === 'boolean') return { value: v };
      if (v === 'true' || v === 'false') return { value: v === 'true' };
      return { error: 'must be a boolean' };
    case 'integer':
    case 'number': {
      const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || Number.isNaN(n)) return { error: `must be a ${spec.type}` };
      if (spec.type === 'integer' && !Number.isInteger(n)) return { error: 'must be an integer' };
      return { value: n };
    }
    case 'duration': {
      const ms = parseDuration(v);
      return ms === undefined ? { error: 'must be a duration such as "10s" or a number of milliseconds' } : { value: ms };
    }
    case 'object':
      return typeof v === 'object' && !Array.isArray(v) ? { value: v } : { error: 'must be an object' };
    case 'array':
      return Array.isArray(v) ? { value: v } : { error: 'must be an array' };
    default:
      return { value: v };
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/**
 * Parses a Go-style duration (`"1h30m"`, `"500ms"`, `"-10s"`) or a number of
 * milliseconds. Returns milliseconds, or `undefined` if the text is not a duration.
 *
 * @example
 * ```ts
 * parseDuration('1m30s') // 90000
 * ```
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const m = /^([+-])?((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}
