/** The sections of eKuiper's configuration document (`/data/export`), every value a JSON string. */
export const SECTIONS = [
  'streams', 'tables', 'rules', 'nativePlugins', 'portablePlugins', 'sourceConfig', 'sinkConfig',
  'connectionConfig', 'Service', 'Schema', 'uploads', 'scripts',
] as const;
export type Section = (typeof SECTIONS)[number];
export type Configuration = Record<Section, Record<string, string>>;

export function emptyConfiguration(): Configuration {
  const c = {} as Configuration;
  for (const s of SECTIONS) c[s] = {};
  return c;
}

export function isEmptyConfiguration(c: Configuration): boolean {
  return SECTIONS.every((s) => Object.keys(c[s]).length === 0);
}

/** Accepts a parsed document: every present section must be an object of strings. */
export function asConfiguration(doc: unknown): Configuration {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('the document must be a JSON object');
  const out = emptyConfiguration();
  for (const s of SECTIONS) {
    const v = (doc as Record<string, unknown>)[s];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${s} must be an object`);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x !== 'string') throw new Error(`json: cannot unmarshal ${typeof x} into Go struct field Configuration.${s} of type string`);
      out[s][k] = x;
    }
  }
  return out;
}
