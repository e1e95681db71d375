import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandContext } from '../command-context.js';
import { CliError, need, printResponse, readInputFile } from '../command-context.js';
import { UsageError } from '../args.js';

/** `import ruleset -f file.json`: the server replaces streams/tables and upserts rules. */
export async function importRuleset(ctx: CommandContext, rest: string[]): Promise<void> {
  const file = ctx.args.values['file'] ?? rest[0];
  if (file === undefined) throw new UsageError('expect -f <ruleset file>');
  const content = await readInputFile(ctx, file);
  printResponse(ctx, await ctx.client.importRuleset(content));
}

/** `export ruleset <file>` (`-` writes to stdout). */
export async function exportRuleset(ctx: CommandContext, rest: string[]): Promise<void> {
  const file = ctx.args.values['file'] ?? need(rest, 0, 'the file to export to');
  const res = await ctx.client.exportRuleset();
  const doc = res.json as Partial<Record<'streams' | 'tables' | 'rules', Record<string, unknown>>> | undefined;
  if (!doc || typeof doc !== 'object') throw new CliError('the server did not answer with a ruleset document');
  const text = JSON.stringify(doc, null, 2) + '\n';
  if (file === '-') {
    ctx.io.out(text.trimEnd());
    return;
  }
  try {
    await writeFile(resolve(ctx.cwd, file), text);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
  }
  const n = (k: 'streams' | 'tables' | 'rules') => Object.keys(doc[k] ?? {}).length;
  ctx.io.out(`exported ${n('streams')} streams, ${n('tables')} tables and ${n('rules')} rules`);
}
