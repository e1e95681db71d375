#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/**/*.test.js, examples/plugins/*/dist/**/*.test.js)
// with node's test runner and ends with one plain count line: "N passed, N failed, N skipped".
// Usage: node scripts/test.mjs [filter-substring ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function collect(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const base of ['packages', 'examples/plugins']) {
  const dir = join(root, base);
  if (!existsSync(dir)) continue;
  for (const pkg of readdirSync(dir)) collect(join(dir, pkg, 'dist'), files);
}
const selected = files.filter((f) => !filters.length || filters.some((x) => f.includes(x))).sort();
if (!selected.length) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}
console.log(`running ${selected.length} test files`);

const args = ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.OORT_TEST_CONCURRENCY ?? 4}`, '--test-timeout=300000', ...selected.map((f) => relative(root, f))];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
// the runner's totals ("ℹ pass 12") come before its list of failures, which can be long
const totals = {};
let partial = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  const lines = (partial + d.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^ℹ (pass|fail|skipped|todo|cancelled) (\d+)$/.exec(line.trim());
    if (m) totals[m[1]] = Number(m[2]);
  }
});
child.on('close', (code) => {
  const num = (k) => totals[k] ?? 0;
  const passed = num('pass'), failed = num('fail'), skipped = num('skipped') + num('todo'), cancelled = num('cancelled');
  console.log(`\n${passed} passed, ${failed + cancelled} failed, ${skipped} skipped`);
  process.exit(code ?? 1);
});
