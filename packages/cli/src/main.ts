/**
 * `oort` entry point as a function: parse, dispatch to one command, map errors to a
 * message on stderr and exit code 1. The binary (bin/oort.ts) only wires process I/O.
 */
import { OORT_FLAGS, parseArgs, UsageError } from './args.js';
import { ApplyInputError } from './apply.js';
import { ConnectionError, DEFAULT_SERVER, OortClient, ServerError } from './client.js';
import type { CommandContext, Io } from './command-context.js';
import { CliError } from './command-context.js';
import { applyCommand } from './commands/apply.js';
import { pluginKitCommand } from './commands/plugin-kit.js';
import { createPlugin, describePlugin, dropPlugin, showPlugins } from './commands/plugins.js';
import { createRule, describeRule, dropRule, ruleAction, ruleStatus, ruleTopo, showRules, validateRule } from './commands/rules.js';
import { exportRuleset, importRuleset } from './commands/ruleset.js';
import { runRuleTest } from './commands/ruletest.js';
import { serverCommand } from './commands/server.js';
import { createStream, describeStream, dropStream, showStreams } from './commands/streams.js';
import { cliVersion, USAGE } from './help.js';

export interface RunOptions {
  io?: Io;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
};

type Handler = (ctx: CommandContext, rest: string[]) => Promise<void>;

/** `verb noun` → handler; verbs without a noun use the verb alone. */
const COMMANDS: Record<string, Handler> = {
  'create stream': (c, r) => createStream(c, 'stream', r),
  'create table': (c, r) => createStream(c, 'table', r),
  'create rule': createRule,
  'create plugin': createPlugin,
  'show streams': (c) => showStreams(c, 'stream'),
  'show tables': (c) => showStreams(c, 'table'),
  'show rules': (c) => showRules(c),
  'show plugins': showPlugins,
  'describe stream': (c, r) => describeStream(c, 'stream', r),
  'describe table': (c, r) => describeStream(c, 'table', r),
  'describe rule': describeRule,
  'describe plugin': describePlugin,
  'drop stream': (c, r) => dropStream(c, 'stream', r),
  'drop table': (c, r) => dropStream(c, 'table', r),
  'drop rule': dropRule,
  'drop plugin': dropPlugin,
  'start rule': (c, r) => ruleAction(c, 'start', r),
  'stop rule': (c, r) => ruleAction(c, 'stop', r),
  'restart rule': (c, r) => ruleAction(c, 'restart', r),
  'getstatus rule': ruleStatus,
  'gettopo rule': ruleTopo,
  'validate rule': validateRule,
  'import ruleset': importRuleset,
  'export ruleset': exportRuleset,
  ruletest: runRuleTest,
  apply: applyCommand,
  server: (c) => serverCommand(c),
};

/** Index of the command word, skipping leading global flags (and their values). */
function commandIndex(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-') {
    const flag = argv[i]!.replace(/^--?/, '');
    i += !flag.includes('=') && OORT_FLAGS.values.includes(OORT_FLAGS.aliases?.[flag] ?? flag) ? 2 : 1;
  }
  return i;
}

function serverFlag(globals: readonly string[]): string[] {
  const i = globals.findIndex((a) => a === '--server' || a.startsWith('--server='));
  if (i < 0) return [];
  return globals[i]!.includes('=') ? [globals[i]!] : [globals[i]!, globals[i + 1]!];
}

export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();

  // The dev kit owns everything after `plugin`, flags included; a global --server given
  // before `plugin` is passed on (deploy needs it).
  const at = commandIndex(argv);
  if (argv[at] === 'plugin') return pluginKitCommand([...argv.slice(at + 1), ...serverFlag(argv.slice(0, at))], io);

  try {
    const args = parseArgs(argv, OORT_FLAGS);
    const [verb, ...after] = args.positionals;
    if (args.booleans.has('version') || verb === 'version') {
      io.out(`oort ${cliVersion()}`);
      return 0;
    }
    if (verb === undefined || verb === 'help' || args.booleans.has('help')) {
      (verb === undefined && !args.booleans.has('help') ? io.err : io.out)(USAGE);
      return verb === undefined && !args.booleans.has('help') ? 1 : 0;
    }
    let handler = COMMANDS[verb];
    let rest = after;
    if (handler === undefined && after.length > 0) {
      handler = COMMANDS[`${verb} ${after[0]}`];
      rest = after.slice(1);
    }
    if (handler === undefined) throw new UsageError(`unknown command: ${args.positionals.slice(0, 2).join(' ')}`);

    const client = new OortClient(args.values['server'] ?? env['OORT_SERVER'] ?? DEFAULT_SERVER);
    await handler({ client, io, args, json: args.booleans.has('json'), cwd, env }, rest);
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Io): number {
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}\nRun "oort help" for usage.`);
    return 1;
  }
  if (err instanceof ServerError || err instanceof ConnectionError || err instanceof ApplyInputError) {
    io.err(err.message);
    return 1;
  }
  if (err instanceof CliError) {
    io.err(err.message);
    return err.exitCode;
  }
  io.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 1;
}
