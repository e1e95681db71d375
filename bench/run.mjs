#!/usr/bin/env node
// Oort benchmarks. `npm run bench` (builds first), or `node bench/run.mjs` after `npx tsc -b`.
//   --quick        short run (smaller counts, fewer steps)
//   --json         print one JSON object instead of the table
//   --only a,b     run only these scenarios
// Each scenario runs in its own node process (with --expose-gc and this process's node flags,
// so `node --cpu-prof bench/run.mjs --only inproc-filter` profiles the scenario), which keeps
// RSS and GC figures of one scenario apart from the others.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/** Scenario name → module and options. Order is the run order. */
const SCENARIOS = [
  { name: 'inproc-filter', file: 'scenarios/inproc-filter.mjs' },
  { name: 'mqtt-e2e', file: 'scenarios/mqtt-e2e.mjs', opts: { qos: 0 } },
  { name: 'mqtt-e2e-qos1', file: 'scenarios/mqtt-e2e.mjs', opts: { qos: 1 } },
  { name: 'window-agg', file: 'scenarios/window-agg.mjs' },
  { name: 'shared-source', file: 'scenarios/shared-source.mjs' },
  { name: 'many-rules', file: 'scenarios/many-rules.mjs' },
  { name: 'many-rules-mqtt', file: 'scenarios/many-rules.mjs', opts: { source: 'mqtt' } },
  // one process measures both, so the isolated figure has the in-process one as its baseline
  { name: 'plugin-sink', file: 'scenarios/plugin-sink.mjs', provides: ['plugin-sink-inproc', 'plugin-sink-isolated'] },
];

const namesOf = (s) => s.provides ?? [s.name];

function parseArgs(argv) {
  const a = { quick: false, json: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--json') a.json = true;
    else if (x === '--only') a.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (x.startsWith('--only=')) a.only = x.slice(7).split(',').filter(Boolean);
    else if (x === '--help' || x === '-h') {
      process.stdout.write('usage: node bench/run.mjs [--quick] [--json] [--only name[,name]]\n');
      process.stdout.write(`scenarios: ${SCENARIOS.flatMap(namesOf).join(', ')}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${x}`);
  }
  return a;
}

function runChild(s, quick) {
  return new Promise((resolve) => {
    const opts = JSON.stringify({ ...s.opts, name: s.name, quick });
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', here('lib/child.mjs'), here(s.file), opts], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const i = out.lastIndexOf('@@RESULT@@');
      if (i < 0) return resolve([{ name: s.name, skipped: `scenario process exited with ${code} without a result` }]);
      resolve(JSON.parse(out.slice(i + 10).trim()));
    });
  });
}

const fmt = (v, d = 0) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : String(v));

function table(results) {
  const cols = [
    ['scenario', (r) => r.name],
    ['msg/s', (r) => fmt(r.msgPerSec)],
    ['baseline/s', (r) => fmt(r.baselineMsgPerSec)],
    ['ratio', (r) => fmt(r.ratio, 3)],
    ['p50 ms', (r) => fmt(r.p50Ms, 2)],
    ['p99 ms', (r) => fmt(r.p99Ms, 2)],
    ['CPU %', (r) => fmt(r.cpuPct, 0)],
    ['msg/CPU-s', (r) => fmt(r.msgPerCpuSec)],
    ['RSS MB', (r) => fmt(r.rssMb, 0)],
  ];
  const rows = results.map((r) => cols.map(([, f]) => (r.skipped ? '' : f(r))));
  rows.forEach((row, i) => {
    if (results[i].skipped) row[0] = results[i].name;
  });
  const widths = cols.map(([h], c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  const out = [line(cols.map(([h]) => h)), widths.map((w) => '-'.repeat(w)).join('  ')];
  results.forEach((r, i) => out.push(r.skipped ? `${line([rows[i][0], ...cols.slice(1).map(() => '')])}`.trimEnd() + `  skipped: ${r.skipped.split('\n')[0]}` : line(rows[i])));
  const extras = results.filter((r) => !r.skipped && r.extra);
  if (extras.length) {
    out.push('');
    for (const r of extras) out.push(`${r.name}: ${r.extra}`);
  }
  return out.join('\n');
}

const args = parseArgs(process.argv.slice(2));
const chosen = args.only ? SCENARIOS.filter((s) => args.only.includes(s.name) || namesOf(s).some((n) => args.only.includes(n))) : SCENARIOS;
if (args.only) for (const n of args.only) if (!SCENARIOS.some((s) => s.name === n || namesOf(s).includes(n))) throw new Error(`unknown scenario ${n}`);

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version, date: new Date().toISOString(), quick: args.quick, loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100) };
const results = [];
for (const s of chosen) {
  if (!args.json) process.stderr.write(`running ${s.name}${args.quick ? ' (quick)' : ''} ...\n`);
  const t0 = Date.now();
  const r = await runChild(s, args.quick);
  for (const x of r) {
    x.runSeconds = Math.round((Date.now() - t0) / 100) / 10;
    // throughput per second of CPU the process really got: steadier than msg/s when other
    // processes compete for the cores (cpuPct < 100 then means it waited for a core)
    if (x.msgPerSec && x.cpuPct && x.saturating !== false) x.msgPerCpuSec = Math.round(x.msgPerSec / (x.cpuPct / 100));
  }
  results.push(...r);
}

if (args.json) process.stdout.write(JSON.stringify({ machine, scenarios: results }, null, 2) + '\n');
else {
  process.stdout.write(`Oort benchmarks on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.date}, load average ${machine.loadavgAtStart.join(" ")}${args.quick ? ' (quick)' : ''}\n\n`);
  process.stdout.write(table(results) + '\n');
}
