import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OortError } from '@oort/engine';

/** eKuiper's schema record (`schema.Info`); `file` is the stored path once registered. */
export interface SchemaInfo {
  type: string;
  name: string;
  content?: string;
  file?: string;
  soFile?: string;
  version?: string;
}

/** Schema types the registry accepts (eKuiper also has `custom`, which needs a Go .so). */
export const SCHEMA_TYPES = ['protobuf'] as const;
const EXT: Record<string, string> = { protobuf: '.proto' };

/**
 * Schema files under `<dataDir>/schemas/<type>/<name>.proto`, as eKuiper stores them, with a
 * `<name>.json` beside each holding the version and the URL it came from.
 */
export class SchemaStore {
  constructor(private readonly dataDir: string) {}

  dir(type: string): string {
    return resolve(this.dataDir, 'schemas', type);
  }

  checkType(type: string): void {
    if (!(SCHEMA_TYPES as readonly string[]).includes(type)) {
      throw new OortError('BAD_REQUEST', `unsupported schema type ${type}`);
    }
  }

  async list(type: string): Promise<string[]> {
    this.checkType(type);
    const ext = EXT[type]!;
    const names = await readdir(this.dir(type)).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith(ext)).map((n) => n.slice(0, -ext.length)).sort();
  }

  /** The record with its content and stored path, or undefined. */
  async get(type: string, name: string): Promise<SchemaInfo | undefined> {
    this.checkType(type);
    const path = join(this.dir(type), name + EXT[type]!);
    const content = await readFile(path, 'utf8').catch(() => undefined);
    if (content === undefined) return undefined;
    const meta = await readFile(join(this.dir(type), `${name}.json`), 'utf8').then((t) => JSON.parse(t) as SchemaInfo).catch(() => undefined);
    const out: SchemaInfo = { type, name, content, file: path };
    if (meta?.version) out.version = meta.version;
    return out;
  }

  /** The record as it was registered (content or source URL), for exports. */
  async installRecord(type: string, name: string): Promise<SchemaInfo | undefined> {
    const got = await this.get(type, name);
    if (got === undefined) return undefined;
    const out: SchemaInfo = { type, name, content: got.content ?? '' };
    if (got.version) out.version = got.version;
    return out;
  }

  async put(info: SchemaInfo, content: string, source?: string): Promise<void> {
    this.checkType(info.type);
    const dir = this.dir(info.type);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, info.name + EXT[info.type]!), content);
    const meta: Record<string, string> = {};
    if (info.version) meta['version'] = info.version;
    if (source) meta['source'] = source;
    await writeFile(join(dir, `${info.name}.json`), JSON.stringify(meta));
  }

  async delete(type: string, name: string): Promise<boolean> {
    this.checkType(type);
    const path = join(this.dir(type), name + EXT[type]!);
    const existed = await readFile(path).then(() => true, () => false);
    await rm(path, { force: true });
    await rm(join(this.dir(type), `${name}.json`), { force: true });
    return existed;
  }

  /** Every schema of every type, keyed `<type>_<name>` as eKuiper exports them. */
  async exportAll(): Promise<Record<string, SchemaInfo>> {
    const out: Record<string, SchemaInfo> = {};
    for (const type of SCHEMA_TYPES) {
      for (const name of await this.list(type)) {
        const rec = await this.installRecord(type, name);
        if (rec) out[`${type}_${name}`] = rec;
      }
    }
    return out;
  }

  async reset(): Promise<void> {
    await rm(resolve(this.dataDir, 'schemas'), { recursive: true, force: true });
  }
}
