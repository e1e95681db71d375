import { parse } from 'yaml';

/**
 * Reads an environment variable's text as a YAML scalar ("9082" → 9082, "true" → true,
 * "tcp://h:1" stays a string). Anything that is not a scalar stays the raw text, so a value
 * such as "a: b" is not turned into a map by accident.
 */
export function parseScalar(text: string): unknown {
  try {
    const v: unknown = parse(text);
    if (v === null || typeof v === 'object') return text;
    return v;
  } catch {
    return text;
  }
}
