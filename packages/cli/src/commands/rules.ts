import { UsageError } from '../args.js';
import type { CommandContext } from '../command-context.js';
import { CliError, need, parseJsonArg, pretty, printResponse, readInputFile } from '../command-context.js';

/** The rule JSON from `-f file` or the positional at `index`, as text. */
async function ruleText(ctx: CommandContext, rest: string[], index: number, usage: string): Promise<string> {
  const file = ctx.args.values['file'];
  if (file !== undefined) return readInputFile(ctx, file);
  if (rest.length <= index) throw new UsageError(`expect ${usage}`);
  return rest.slice(index).join(' ');
}

/** The rule object with its id set from the command line (eKuiper's CLI passes it apart). */
function withId(rule: unknown, id: string | undefined): Record<string, unknown> {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw new CliError('rule JSON must be an object');
  const obj = rule as Record<string, unknown>;
  if (id === undefined) return obj;
  if (obj['id'] !== undefined && obj['id'] !== id) {
    throw new CliError(`rule id ${String(obj['id'])} in the JSON does not match ${id}`);
  }
  return { ...obj, id };
}

/** `create rule <id> '<json>'` | `create rule <id> -f rule.json`. */
export async function createRule(ctx: CommandContext, rest: string[]): Promise<void> {
  const id = need(rest, 0, 'rule name and json');
  const rule = withId(parseJsonArg(await ruleText(ctx, rest, 1, 'rule name and json'), 'rule'), id);
  printResponse(ctx, await ctx.client.createRule(rule));
}

/** `show rules`: the JSON list, or eKuiper's sentence when there is none. */
export async function showRules(ctx: CommandContext): Promise<void> {
  const res = await ctx.client.listRules();
  if (!ctx.json && Array.isArray(res.json) && res.json.length === 0) {
    ctx.io.out('No rule definitions are found.');
    return;
  }
  printResponse(ctx, res);
}

export async function describeRule(ctx: CommandContext, rest: string[]): Promise<void> {
  printResponse(ctx, await ctx.client.getRule(need(rest, 0, 'rule name')));
}

export async function dropRule(ctx: CommandContext, rest: string[]): Promise<void> {
  printResponse(ctx, await ctx.client.dropRule(need(rest, 0, 'rule name')));
}

export async function ruleAction(ctx: CommandContext, action: 'start' | 'stop' | 'restart', rest: string[]): Promise<void> {
  printResponse(ctx, await ctx.client.ruleAction(need(rest, 0, 'rule name'), action));
}

export async function ruleStatus(ctx: CommandContext, rest: string[]): Promise<void> {
  printResponse(ctx, await ctx.client.ruleStatus(need(rest, 0, 'rule name')));
}

export async function ruleTopo(ctx: CommandContext, rest: string[]): Promise<void> {
  printResponse(ctx, await ctx.client.ruleTopo(need(rest, 0, 'rule name')));
}

/**
 * `validate rule [<id>] ('<json>' | -f file)`. The id is optional because the file usually
 * carries it; a lone positional that looks like JSON is the rule itself.
 */
export async function validateRule(ctx: CommandContext, rest: string[]): Promise<void> {
  let id: string | undefined;
  let text: string;
  if (ctx.args.values['file'] !== undefined) {
    id = rest[0];
    text = await ruleText(ctx, rest, 0, 'rule json');
  } else if (rest.length === 1 && rest[0]!.trim().startsWith('{')) {
    text = rest[0]!;
  } else {
    id = need(rest, 0, 'rule name and json');
    text = await ruleText(ctx, rest, 1, 'rule name and json');
  }
  const res = await ctx.client.validateRule(withId(parseJsonArg(text, 'rule'), id));
  if (ctx.json) return printResponse(ctx, res);
  const body = res.json as { valid?: boolean; sources?: string[] } | undefined;
  if (body && body.valid === true) {
    ctx.io.out('The rule has been successfully validated and is confirmed to be correct.');
    if (Array.isArray(body.sources) && body.sources.length > 0) ctx.io.out(`Sources: ${body.sources.join(', ')}`);
  } else {
    throw new CliError(body ? pretty(body) : res.text.trim() || 'the rule is invalid');
  }
}
