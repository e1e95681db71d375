/**
 * A small flag parser: positionals plus `--name value`, `--name=value`, `-f value` and
 * boolean switches, accepted anywhere on the line (eKuiper's CLI puts `-f` after the
 * positionals, users put `--server` first). Unknown flags are an error so typos do not
 * silently become positionals.
 */

export interface FlagSpec {
  /** Flags that take a value, by canonical name. */
  readonly values: readonly string[];
  /** Flags that are switches. */
  readonly booleans: readonly string[];
  /** Other spellings (`f` → `file`, `json` for eKuiper's `-json`). */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string>;
  booleans: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: {}, booleans: new Set() };
  const values = new Set(spec.values);
  const booleans = new Set(spec.booleans);
  const canonical = (raw: string): string => spec.aliases?.[raw] ?? raw;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone '-' (stdout) and negative numbers are positionals, not flags.
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      out.positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = canonical(eq >= 0 ? body.slice(0, eq) : body);
    if (values.has(name)) {
      let value: string | undefined;
      if (eq >= 0) value = body.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) throw new UsageError(`flag ${arg} needs a value`);
      out.values[name] = value;
    } else if (booleans.has(name)) {
      if (eq >= 0) {
        const v = body.slice(eq + 1).toLowerCase();
        if (v === 'true' || v === '1') out.booleans.add(name);
        else if (v !== 'false' && v !== '0') throw new UsageError(`flag ${arg} takes true or false`);
      } else out.booleans.add(name);
    } else {
      throw new UsageError(`unknown flag ${arg}`);
    }
  }
  return out;
}

/** Every flag the `oort` commands understand; one table keeps the parser in one place. */
export const OORT_FLAGS: FlagSpec = {
  values: ['server', 'port', 'host', 'data-dir', 'config', 'etc-dir', 'apply', 'file', 'stop'],
  booleans: ['json', 'force', 'help', 'version'],
  aliases: { f: 'file', s: 'stop', h: 'help', v: 'version' },
};
