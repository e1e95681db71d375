// Runs one scenario module in this process and prints its result as the last stdout line,
// prefixed with a marker the runner looks for. Usage: node child.mjs <scenario.mjs> '<opts json>'
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file, optsText] = process.argv.slice(2);
const mod = await import(pathToFileURL(resolve(file)).href);
const opts = JSON.parse(optsText ?? '{}');
let results;
try {
  results = await mod.run(opts);
} catch (e) {
  results = { name: opts.name ?? mod.name, skipped: `failed: ${e?.stack ?? e}` };
}
process.stdout.write(`\n@@RESULT@@${JSON.stringify(Array.isArray(results) ? results : [results])}\n`);
process.exit(0);
