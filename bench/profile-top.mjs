#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (the largest one when given
// a folder, which is the scenario's; the runner's own profile is tiny).
// Usage: node bench/profile-top.mjs <file.cpuprofile | folder> [rows=30] [--total]
//   --total  also show inclusive (self + callees) time, for finding costly call paths
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [target, rowsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const showTotal = process.argv.includes('--total');
if (!target) {
  process.stderr.write('usage: node bench/profile-top.mjs <file.cpuprofile | folder> [rows]\n');
  process.exit(1);
}
let file = target;
if (statSync(target).isDirectory()) {
  const files = readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f));
  file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}
const p = JSON.parse(readFileSync(file, 'utf8'));
const selfById = new Map();
for (let i = 0; i < p.samples.length; i++) selfById.set(p.samples[i], (selfById.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const keyOf = (n) => {
  const cf = n.callFrame;
  const where = cf.url ? `${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
  return `${cf.functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map();
const total = new Map();
let all = 0;
// inclusive time: each sample's time counts once for every distinct function on its stack
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
for (const [id, t] of selfById) {
  all += t;
  const k = keyOf(byId.get(id));
  self.set(k, (self.get(k) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const kk = keyOf(byId.get(cur));
    if (seen.has(kk)) continue;
    seen.add(kk);
    total.set(kk, (total.get(kk) ?? 0) + t);
  }
}
const rows = Number(rowsArg) || 30;
const src = showTotal ? total : self;
process.stdout.write(`${file}: ${(all / 1000).toFixed(0)} ms sampled\n`);
process.stdout.write(`${showTotal ? ' total' : '  self'}      ms  function\n`);
for (const [k, t] of [...src].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  process.stdout.write(`${((t / all) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)}  ${k}\n`);
}
