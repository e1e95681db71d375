import { UsageError } from '../args.js';
import type { PluginType } from '../client.js';
import type { CommandContext } from '../command-context.js';
import { CliError, need, parseJsonArg, printResponse, readInputFile } from '../command-context.js';

const TYPES: Record<string, PluginType> = {
  source: 'sources', sources: 'sources',
  sink: 'sinks', sinks: 'sinks',
  function: 'functions', functions: 'functions',
  portable: 'portables', portables: 'portables',
};

/** eKuiper's CLI says `source`, the REST API `sources`; both are accepted. */
export function pluginType(raw: string | undefined): PluginType {
  const t = raw === undefined ? undefined : TYPES[raw.toLowerCase()];
  if (t === undefined) throw new UsageError('expect plugin type: sources, sinks, functions or portables');
  return t;
}

/** `create plugin <type> <name> '<json>'` | `-f file.json`; the JSON holds `file` (a zip URL). */
export async function createPlugin(ctx: CommandContext, rest: string[]): Promise<void> {
  const type = pluginType(rest[0]);
  const name = need(rest, 1, 'plugin type and name');
  const file = ctx.args.values['file'];
  let text: string;
  if (file !== undefined) text = await readInputFile(ctx, file);
  else if (rest.length > 2) text = rest.slice(2).join(' ');
  else throw new UsageError('expect plugin type, name and json');
  const body = parseJsonArg(text, 'plugin');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError('plugin JSON must be an object');
  printResponse(ctx, await ctx.client.createPlugin(type, { ...body, name }));
}

/** `show plugins <type>`: one name a line (portables come back as objects). */
export async function showPlugins(ctx: CommandContext, rest: string[]): Promise<void> {
  const type = pluginType(rest[0]);
  const res = await ctx.client.listPlugins(type);
  if (ctx.json || !Array.isArray(res.json)) return printResponse(ctx, res);
  const names = (res.json as unknown[]).map((p) =>
    p && typeof p === 'object' && 'name' in p ? String((p as { name: unknown }).name) : String(p),
  );
  ctx.io.out(names.length === 0 ? `No ${type} plugins are found.` : names.join('\n'));
}

export async function describePlugin(ctx: CommandContext, rest: string[]): Promise<void> {
  const type = pluginType(rest[0]);
  printResponse(ctx, await ctx.client.describePlugin(type, need(rest, 1, 'plugin type and name')));
}

/** `drop plugin <type> <name> [-s true]` (`-s true` asks the server to stop, as in eKuiper). */
export async function dropPlugin(ctx: CommandContext, rest: string[]): Promise<void> {
  const type = pluginType(rest[0]);
  const stop = (ctx.args.values['stop'] ?? 'false').toLowerCase() === 'true';
  printResponse(ctx, await ctx.client.dropPlugin(type, need(rest, 1, 'plugin type and name'), stop));
}
