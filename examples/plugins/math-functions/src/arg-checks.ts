import type { ArgInfo } from '@oort/sdk';

/** Plan-time check that a literal argument, if it is one, is a number (int or float). */
export function numericLiteral(fn: string, a: ArgInfo, pos: number): string | undefined {
  if (a.kind !== 'literal' || a.value === null) return undefined;
  return typeof a.value === 'number' || typeof a.value === 'bigint' ? undefined : `${fn}: argument ${pos} must be a number`;
}

/** Plan-time arity check with eKuiper's wording. */
export function arity(fn: string, args: ArgInfo[], min: number, max = min): string | undefined {
  if (args.length >= min && args.length <= max) return undefined;
  const want = min === max ? `${min}` : `${min} to ${max}`;
  return `${fn} expects ${want} argument${max === 1 ? '' : 's'} but found ${args.length}`;
}

/** A SQL number (bigint or float) as a JS number, or undefined for null and non-numbers. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}
