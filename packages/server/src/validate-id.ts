import { OortError } from '@oort/engine';

const ID = /^[a-zA-Z0-9_-]+$/;

/** eKuiper's id rule for rules, streams, tables, plugins and conf keys. */
export function validateId(id: string, prefix = ''): void {
  if (id === '') throw new OortError('GENERAL', `${prefix}id should not be empty`);
  if (id.trim() !== id) throw new OortError('GENERAL', `${prefix}id ${id} should not have leading or trailing spaces`);
  if (!ID.test(id)) {
    throw new OortError('GENERAL', `${prefix}invalid id ${id}: only letters, digits, '_' and '-' are allowed`);
  }
}
