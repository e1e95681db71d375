import type { ParsedArgs } from './args.js';
import { UsageError } from './args.js';
import type { OortClient, RestResponse } from './client.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Where output goes; tests capture it, the binary writes to stdout/stderr. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  client: OortClient;
  io: Io;
  args: ParsedArgs;
  /** `--json`: print the server's raw JSON instead of friendly text. */
  json: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A command failed in a way the user should read; printed to stderr, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Print a response: raw JSON with --json, else the server's sentence or indented JSON. */
export function printResponse(ctx: CommandContext, res: RestResponse): void {
  if (res.json !== undefined && typeof res.json !== 'string') {
    ctx.io.out(ctx.json ? JSON.stringify(res.json) : pretty(res.json));
    return;
  }
  const text = typeof res.json === 'string' ? res.json : res.text;
  ctx.io.out(text.trim());
}

/** The positional at `index`, or a usage error naming what was expected. */
export function need(args: readonly string[], index: number, what: string): string {
  const v = args[index];
  if (v === undefined || v === '') throw new UsageError(`expect ${what}`);
  return v;
}

export async function readInputFile(ctx: CommandContext, path: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.cwd, path), 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`invalid ${what} JSON: ${(err as Error).message}`);
  }
}
