import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { oortError } from '../errors.js';

export interface UnzipLimits {
  /** Most entries an archive may hold (default 1000). */
  maxEntries?: number;
  /** Most bytes all entries may hold once extracted (default 200 MiB). */
  maxTotalBytes?: number;
}

export const DEFAULT_MAX_ENTRIES = 1000;
export const DEFAULT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts `zipPath` into `dest` (which must exist and be empty), refusing anything that
 * could write outside `dest` or exhaust the disk: absolute paths, `..` segments,
 * symlinks, too many entries, too many bytes. Returns the extracted file paths (relative,
 * with `/`). Every refusal is a PLUGIN_ARCHIVE error.
 */
export async function extractZip(zipPath: string, dest: string, limits: UnzipLimits = {}): Promise<string[]> {
  const maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxTotal = limits.maxTotalBytes ?? DEFAULT_MAX_UNZIPPED_BYTES;
  const zip = await openZip(zipPath);
  try {
    if (zip.entryCount > maxEntries) {
      throw oortError('PLUGIN_ARCHIVE', `archive has ${zip.entryCount} entries, more than the limit of ${maxEntries}`);
    }
    const files: string[] = [];
    let declared = 0;
    let written = 0;
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      const name = entry.fileName;
      checkName(name);
      const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
      if ((mode & S_IFMT) === S_IFLNK) throw oortError('PLUGIN_ARCHIVE', `archive entry ${name} is a symbolic link, which is not allowed`);
      const target = join(dest, normalize(name));
      if (target !== dest && !target.startsWith(dest.endsWith(sep) ? dest : dest + sep)) {
        throw oortError('PLUGIN_ARCHIVE', `archive entry ${name} points outside the plugin folder`);
      }
      if (name.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      declared += entry.uncompressedSize;
      if (declared > maxTotal) throw oortError('PLUGIN_ARCHIVE', `archive expands to more than the limit of ${maxTotal} bytes`);
      await mkdir(dirname(target), { recursive: true });
      const input = await openEntry(zip, entry);
      // Count real bytes too: the sizes in the directory are only claims.
      input.on('data', (chunk: Buffer) => {
        written += chunk.length;
        if (written > maxTotal) input.destroy(oortError('PLUGIN_ARCHIVE', `archive expands to more than the limit of ${maxTotal} bytes`));
      });
      const executable = (mode & 0o111) !== 0;
      try {
        await pipeline(input, createWriteStream(target, { mode: executable ? 0o755 : 0o644 }));
      } catch (err) {
        throw asArchiveError(err, `cannot extract ${name}`);
      }
      files.push(name);
    }
    return files;
  } finally {
    zip.close();
  }
}

function checkName(name: string): void {
  if (name === '' || name.includes('\0')) throw oortError('PLUGIN_ARCHIVE', 'archive has an entry without a valid name');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\\')) {
    throw oortError('PLUGIN_ARCHIVE', `archive entry ${name} has an absolute path, which is not allowed`);
  }
  if (name.split('/').some((seg) => seg === '..')) {
    throw oortError('PLUGIN_ARCHIVE', `archive entry ${name} contains "..", which is not allowed`);
  }
}

function asArchiveError(err: unknown, what: string): Error {
  if (err instanceof Error && 'errorName' in err) return err;
  return oortError('PLUGIN_ARCHIVE', `${what}: ${(err as Error)?.message ?? String(err)}`, err);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // strictFileNames off: we check names ourselves to give clearer messages.
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err) reject(asArchiveError(err, 'not a valid zip archive'));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: yauzl.Entry) => done(() => resolve(e));
    const onEnd = () => done(() => resolve(undefined));
    const onError = (err: Error) => done(() => reject(asArchiveError(err, 'not a valid zip archive')));
    const done = (f: () => void) => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
      f();
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream & import('node:stream').Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) reject(asArchiveError(err, `cannot read ${entry.fileName}`));
      else resolve(stream);
    });
  });
}
