import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { oortError } from '../errors.js';

/** Conf keys of one source type: `{ default: {...}, <confKey>: {...} }`. */
export type SourceConfSections = Record<string, Record<string, unknown>>;

/**
 * Reads a plugin's source conf file (eKuiper's `<name>.yaml`: a `default` section and one
 * section per conf key). Sections that are not maps are ignored; an empty file gives `{}`.
 */
export function readSourceConfFile(path: string): SourceConfSections {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw oortError('PLUGIN', `source conf file ${path} is not valid YAML: ${(err as Error).message}`, err);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw oortError('PLUGIN', `source conf file ${path} must be a map of conf keys`);
  const out: SourceConfSections = {};
  for (const [key, section] of Object.entries(doc as Record<string, unknown>)) {
    if (section !== null && typeof section === 'object' && !Array.isArray(section)) out[key] = section as Record<string, unknown>;
  }
  return out;
}
