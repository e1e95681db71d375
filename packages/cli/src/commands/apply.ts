import { resolve } from 'node:path';
import { applyPath, formatSummary } from '../apply.js';
import type { CommandContext } from '../command-context.js';
import { CliError, need } from '../command-context.js';

/** `apply <file|folder>`: exit 1 when any definition failed, after trying them all. */
export async function applyCommand(ctx: CommandContext, rest: string[]): Promise<void> {
  const path = ctx.args.values['file'] ?? need(rest, 0, 'a file or folder to apply');
  const summary = await applyPath(ctx.client, resolve(ctx.cwd, path));
  if (ctx.json) ctx.io.out(JSON.stringify(summary));
  else ctx.io.out(formatSummary(summary));
  if (summary.failed > 0) throw new CliError(`${summary.failed} definition(s) could not be applied`);
}
