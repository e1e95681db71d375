/** Source files of a new plugin project, one set per kind. Kept as text so the CLI ships no template folder. */
export type PluginKind = 'source' | 'sink' | 'function';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

export function indexTemplate(kind: PluginKind, name: string): string {
  const P = pascal(name);
  switch (kind) {
    case 'sink':
      return `import { appendFile } from 'node:fs/promises';
import { ConfigError, IOError, definePlugin, toJSON, validateConfig } from '@oort/sdk';
import type { ConfigSchema, Sink, SinkItem, StreamContext } from '@oort/sdk';

/** Properties of the \`${name}\` action. The engine checks them before provision(). */
export const schema: ConfigSchema = {
  path: { type: 'string', required: true, description: 'file the rows are appended to, one JSON object per line' },
};

/** Appends every result row to a file as a JSON line. */
export class ${P}Sink implements Sink {
  readonly kind = 'tuple';
  private path = '';

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(schema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.path = p.path as string;
  }

  connect(): void {}

  async collect(ctx: StreamContext, item: SinkItem): Promise<void> {
    const rows = item.rows ?? [];
    if (rows.length === 0) return;
    try {
      // toJSON, not JSON.stringify: SQL integers arrive as bigint.
      await appendFile(this.path, rows.map((r) => toJSON(r) + '\\n').join(''));
    } catch (err) {
      // An IOError makes the engine keep the data and retry later.
      throw new IOError(\`cannot write \${this.path}: \${(err as Error).message}\`);
    }
    ctx.logger.debug(\`${name}: wrote \${rows.length} row(s)\`);
  }

  close(): void {}
}

export default definePlugin({
  sinks: { ${name}: { create: () => new ${P}Sink(), schema, about: 'Appends result rows to a file as JSON lines' } },
});
`;
    case 'source':
      return `import { ConfigError, definePlugin, validateConfig } from '@oort/sdk';
import type { ConfigSchema, Source, SourceIO, StreamContext, TimerHandle } from '@oort/sdk';

/** Properties of the \`${name}\` source (stream WITH options and conf keys in ${name}.yaml). */
export const schema: ConfigSchema = {
  interval: { type: 'duration', default: 1000, minimum: 1, description: 'time between two records, e.g. "1s"' },
  message: { type: 'string', default: 'hello', description: 'text put in every record' },
};

/** Emits \`{"seq": n, "message": "..."}\` every \`interval\`, reading time from ctx.clock. */
export class ${P}Source implements Source {
  private interval = 1000;
  private message = 'hello';
  private seq = 0n;
  private timer: TimerHandle | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(schema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.interval = p.interval as number;
    this.message = p.message as string;
  }

  connect(ctx: StreamContext, io: SourceIO): void {
    this.timer = ctx.clock.setInterval(() => {
      this.seq += 1n;
      io.tuple({ seq: this.seq, message: this.message }, { source: '${name}' }, ctx.clock.now());
    }, this.interval);
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

export default definePlugin({
  sources: { ${name}: { create: () => new ${P}Source(), schema, about: 'Emits a counter every interval' } },
});
`;
    case 'function':
      return `import { definePlugin } from '@oort/sdk';
import type { ArgInfo, FunctionDef } from '@oort/sdk';

/** \`${name}(who)\`: a greeting. validate() runs when a rule is created, so a wrong call never starts. */
export const ${name}: FunctionDef = {
  type: 'scalar',
  validate(args: ArgInfo[]) {
    if (args.length !== 1) return \`${name} expects 1 argument, got \${args.length}\`;
    const a = args[0]!;
    if (a.kind === 'literal' && typeof a.value !== 'string') return '${name} expects a string';
    return undefined;
  },
  exec(_ctx, [who]) {
    return who === null || who === undefined ? null : \`Hello, \${String(who)}!\`;
  },
};

export default definePlugin({ functions: { ${name} } });
`;
  }
}

export function testTemplate(kind: PluginKind, name: string): string {
  const P = pascal(name);
  switch (kind) {
    case 'sink':
      return `import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestContext, describeSinkContract } from '@oort/sdk/testing';
import plugin, { ${P}Sink } from './index.js';

const tmpFile = () => join(mkdtempSync(join(tmpdir(), '${name}-')), 'out.jsonl');

test('the sink appends each row as one JSON line', async () => {
  const path = tmpFile();
  const ctx = createTestContext();
  const sink = plugin.sinks!.${name}!.create();
  await sink.provision(ctx, { path });
  await sink.connect(ctx, () => {});
  await sink.collect(ctx, { rows: [{ a: 1 }, { a: 2n }], props: {} });
  await sink.close(ctx);
  const lines = readFileSync(path, 'utf8').trim().split('\\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [{ a: 1 }, { a: 2 }]);
});

test('the sink refuses to start without a path', () => {
  assert.throws(() => new ${P}Sink().provision(createTestContext(), {}), /path is required/);
});

describeSinkContract('${name}', () => new ${P}Sink(), {
  props: () => ({ path: tmpFile() }),
  received: (props) => readFileSync(props.path as string, 'utf8').trim().split('\\n'),
});
`;
    case 'source':
      return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext, describeSourceContract, RecordingIO } from '@oort/sdk/testing';
import type { Clock, TimerHandle } from '@oort/sdk';
import plugin, { ${P}Source } from './index.js';

/** A clock that only moves when the test says so: no sleeping, no flakiness. */
function manualClock() {
  let now = 0;
  const timers: { at: number; every: number; fn: () => void; live: boolean }[] = [];
  const add = (fn: () => void, ms: number, every: number): TimerHandle => {
    const t = { at: now + ms, every, fn, live: true };
    timers.push(t);
    return { cancel: () => void (t.live = false) };
  };
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout: (fn, ms) => add(fn, ms, 0),
    setInterval: (fn, ms) => add(fn, ms, ms),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        if (next.every) next.at += next.every;
        else next.live = false;
        next.fn();
      }
      now = end;
    },
  };
  return clock;
}

test('the source emits one record per interval', async () => {
  const clock = manualClock();
  const ctx = createTestContext({ clock });
  const io = new RecordingIO();
  const source = plugin.sources!.${name}!.create();
  await source.provision(ctx, { interval: '1s', message: 'hi' });
  await source.connect(ctx, io);
  clock.advance(3500);
  assert.deepEqual(io.rows(), [
    { seq: 1n, message: 'hi' },
    { seq: 2n, message: 'hi' },
    { seq: 3n, message: 'hi' },
  ]);
  await source.close(ctx);
  clock.advance(5000);
  assert.equal(io.rows().length, 3);
});

test('the source refuses a bad interval', () => {
  assert.throws(() => new ${P}Source().provision(createTestContext(), { interval: 'soon' }), /interval/);
});

describeSourceContract('${name}', () => new ${P}Source(), { props: { interval: '20ms' } });
`;
    case 'function':
      return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext } from '@oort/sdk/testing';
import plugin from './index.js';

const fn = plugin.functions!.${name}!;
const ctx = { ...createTestContext(), funcId: 0 };

test('${name} greets its argument', () => {
  assert.equal(fn.exec(ctx, ['Oort']), 'Hello, Oort!');
  assert.equal(fn.exec(ctx, [null]), null);
});

test('${name} is refused at plan time with the wrong number of arguments', () => {
  assert.equal(fn.validate!([{ kind: 'field', name: 'a' }]), undefined);
  assert.match(fn.validate!([]) ?? '', /expects 1 argument/);
  assert.match(fn.validate!([{ kind: 'literal', value: 1 }]) ?? '', /string/);
});
`;
  }
}

export function harnessConfigTemplate(kind: PluginKind, name: string): unknown {
  switch (kind) {
    case 'sink':
      return { sinks: { [name]: { props: { path: '${TMPDIR}/out.jsonl' } } } };
    case 'source':
      return { sources: { [name]: { props: { interval: '50ms' }, count: 2 } } };
    case 'function':
      return { functions: { [name]: { args: ['Oort'], expect: 'Hello, Oort!' } } };
  }
}

export function readmeTemplate(kind: PluginKind, name: string): string {
  const use =
    kind === 'sink'
      ? `Use it as a rule action:\n\n\`\`\`json\n{"id": "r1", "sql": "SELECT * FROM demo", "actions": [{"${name}": {"path": "/tmp/out.jsonl"}}]}\n\`\`\``
      : kind === 'source'
        ? `Use it as a stream type:\n\n\`\`\`sql\nCREATE STREAM ticks () WITH (TYPE="${name}", FORMAT="json", CONF_KEY="default")\n\`\`\``
        : `Use it in SQL:\n\n\`\`\`sql\nSELECT ${name}(name) AS greeting FROM demo\n\`\`\``;
  return `# ${name}: an Oort ${kind} plugin

Written against \`@oort/sdk\` only, so it loads in any Oort server whose sdk range includes the
one in \`${name}.json\`, wherever and whenever it was built.

\`\`\`sh
npm install          # @oort/sdk and typescript (optional: oort builds without it)
oort plugin build    # bundles src/index.ts into dist/${name}.js
oort plugin test     # contract checks (oort-test.json feeds them) + src/*.test.ts
oort plugin pack     # dist/${name}.zip and dist/${name}.zip.sha256
oort plugin deploy --server http://127.0.0.1:9081
\`\`\`

${use}

Deploying a new version (bump \`version\` in package.json, then \`oort plugin deploy\` again) swaps
it in the running server; no restart.
`;
}

export function packageJsonTemplate(name: string): unknown {
  return {
    name: `oort-plugin-${name.toLowerCase()}`,
    version: '1.0.0',
    private: true,
    type: 'module',
    description: `Oort plugin ${name}`,
    scripts: {
      build: 'oort plugin build',
      test: 'oort plugin test',
      pack: 'oort plugin pack',
      deploy: 'oort plugin deploy --server http://127.0.0.1:9081',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { '@oort/sdk': '^1.0.0' },
    devDependencies: { typescript: '^5.4.0', '@types/node': '^20.0.0' },
  };
}

export const TSCONFIG_TEMPLATE = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src/**/*.ts'],
};
