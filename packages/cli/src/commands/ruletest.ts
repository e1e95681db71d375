import type { CommandContext } from '../command-context.js';
import { CliError, need, parseJsonArg, printResponse, readInputFile } from '../command-context.js';

/**
 * `ruletest <case.json>`: the server runs the case (rule, mocked input, expected output)
 * and answers with the result, which is printed. A result that says it failed
 * (`passed`, `pass` or `ok` false) makes the command exit 1 so CI can rely on it.
 */
export async function runRuleTest(ctx: CommandContext, rest: string[]): Promise<void> {
  const file = ctx.args.values['file'] ?? need(rest, 0, 'a rule test case file');
  const text = await readInputFile(ctx, file);
  parseJsonArg(text, 'rule test case'); // fail on a broken file before the round trip
  const res = await ctx.client.runRuleTest(text);
  printResponse(ctx, res);
  const result = res.json;
  if (result && typeof result === 'object' && !Array.isArray(result)) {
    const r = result as Record<string, unknown>;
    if (r['passed'] === false || r['pass'] === false || r['ok'] === false) {
      throw new CliError(`rule test ${file} failed`);
    }
  }
}
