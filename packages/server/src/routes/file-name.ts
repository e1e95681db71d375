import { OortError } from '@oort/engine';

/**
 * A name that stays inside the folder it is joined to: non-empty, no path separator, not
 * `.`/`..`, no NUL. Used for uploaded files and schema names, which become file names.
 */
export function validateFileName(name: string, what = 'file name'): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.includes('..')) {
    throw new OortError('BAD_REQUEST', `invalid ${what} ${JSON.stringify(name)}: it must not be empty, contain '/', '\\' or '..'`);
  }
}
