import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  validateConfig,
  type ArgInfo,
  type ConfigSchema,
  type ConnectorDef,
  type FunctionDef,
  type PluginModule,
  type Row,
  type Sink,
  type Source,
  type SourceIO,
} from '@oort/sdk';
import { harnessContext, type LogLine } from './harness-context.js';

/** One line of the contract report. */
export interface CheckResult {
  kind: 'source' | 'sink' | 'function';
  symbol: string;
  ok: boolean;
  skipped?: string;
  message?: string;
  ms: number;
  logs: LogLine[];
}

/**
 * `oort-test.json` in the project root: what to feed each symbol. `${TMPDIR}` in a string
 * prop is replaced by a fresh temp folder.
 *
 * @example
 * ```json
 * { "sinks": { "mysql": { "props": { "url": "mysql://root@127.0.0.1/test", "table": "t" } } },
 *   "functions": { "celsius": { "args": [212], "expect": 100 } } }
 * ```
 */
export interface HarnessConfig {
  sources?: Record<string, { props?: Record<string, unknown>; timeout?: number; count?: number; skip?: string }>;
  sinks?: Record<string, { props?: Record<string, unknown>; rows?: Row[]; skip?: string }>;
  functions?: Record<string, { args?: unknown[]; expect?: unknown; skip?: string }>;
}

const SAMPLE_ROWS: Row[] = [
  { id: 1n, name: 'alpha', temperature: 21.5 },
  { id: 2n, name: 'beta', temperature: 22.25 },
];

export function readHarnessConfig(dir: string): HarnessConfig {
  const f = join(dir, 'oort-test.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as HarnessConfig) : {};
}

/**
 * Runs every symbol the module exports through the contract: sinks are provisioned,
 * connected, fed sample rows and closed; sources must deliver within a timeout; functions
 * are validated and executed. Every instance must cancel its timers on close.
 */
export async function runContract(mod: PluginModule, config: HarnessConfig = {}, rootPath?: string): Promise<CheckResult[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'oort-harness-'));
  try {
    const results: CheckResult[] = [];
    for (const [name, def] of Object.entries(mod.sinks ?? {})) {
      const c = config.sinks?.[name] ?? {};
      results.push(await check('sink', name, c.skip, (ctx) => checkSink(def, ctx, substitute(c.props ?? {}, tmp), c.rows ?? SAMPLE_ROWS), rootPath));
    }
    for (const [name, def] of Object.entries(mod.sources ?? {})) {
      const c = config.sources?.[name] ?? {};
      results.push(
        await check('source', name, c.skip, (ctx) => checkSource(def, ctx, substitute(c.props ?? {}, tmp), c.timeout ?? 5000, c.count ?? 1), rootPath),
      );
    }
    for (const [name, def] of Object.entries(mod.functions ?? {})) {
      const c = config.functions?.[name] ?? {};
      results.push(await check('function', name, c.skip, (ctx) => checkFunction(def, ctx, c.args, c), rootPath));
    }
    return results;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

type Ctx = ReturnType<typeof harnessContext>;

async function check(
  kind: CheckResult['kind'],
  symbol: string,
  skip: string | undefined,
  body: (ctx: Ctx) => Promise<void>,
  rootPath?: string,
): Promise<CheckResult> {
  const logs: LogLine[] = [];
  if (skip) return { kind, symbol, ok: true, skipped: skip, ms: 0, logs };
  const ctx = harnessContext(`${kind}_${symbol}`, logs, rootPath);
  const t0 = performance.now();
  try {
    await body(ctx);
    return { kind, symbol, ok: true, ms: performance.now() - t0, logs };
  } catch (err) {
    return { kind, symbol, ok: false, message: err instanceof Error ? err.message : String(err), ms: performance.now() - t0, logs };
  } finally {
    ctx.abort();
    ctx.clock.cancelAll();
  }
}

function substitute(props: Record<string, unknown>, tmp: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(props).replaceAll('${TMPDIR}', tmp.replaceAll('\\', '\\\\'))) as Record<string, unknown>;
}

function validated(schema: ConfigSchema | undefined, props: Record<string, unknown>): Record<string, unknown> {
  if (!schema) return props;
  const { props: out, issues } = validateConfig(schema, props);
  if (issues.length) throw new Error(`props refused by the schema: ${issues.map((i) => i.message).join('; ')} (set them in oort-test.json)`);
  return out;
}

function need(obj: object, methods: string[], what: string): void {
  for (const m of methods) {
    if (typeof (obj as Record<string, unknown>)[m] !== 'function') throw new Error(`${what} has no ${m}() method`);
  }
}

async function step<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function assertNoTimers(ctx: Ctx, what: string): void {
  if (ctx.clock.live.size) throw new Error(`${what} left ${ctx.clock.live.size} clock timer(s) running after close()`);
}

async function checkSink(def: ConnectorDef<Sink>, ctx: Ctx, rawProps: Record<string, unknown>, rows: Row[]): Promise<void> {
  if (typeof def.create !== 'function') throw new Error('the sink definition has no create()');
  const sink = def.create();
  need(sink, ['provision', 'connect', 'collect', 'close'], 'the sink');
  if (sink.kind !== 'tuple' && sink.kind !== 'bytes') throw new Error(`sink.kind must be 'tuple' or 'bytes', got ${String(sink.kind)}`);
  const props = validated(def.schema, rawProps);
  await step('provision()', () => sink.provision(ctx, props));
  await step('connect()', () => sink.connect(ctx, () => {}));
  const items = [rows.slice(0, 1), rows];
  for (const batch of items) {
    const item = sink.kind === 'tuple' ? { rows: batch, props } : { payload: Buffer.from(JSON.stringify(batch, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))), props };
    const r = sink.collect(ctx, item);
    if (!r || typeof (r as Promise<void>).then !== 'function') throw new Error('collect() must return a promise (it is the backpressure signal)');
    await step('collect()', () => r);
  }
  await step('close()', () => sink.close(ctx));
  assertNoTimers(ctx, 'the sink');
}

async function checkSource(def: ConnectorDef<Source>, ctx: Ctx, rawProps: Record<string, unknown>, timeout: number, count: number): Promise<void> {
  if (typeof def.create !== 'function') throw new Error('the source definition has no create()');
  const source = def.create();
  need(source, ['provision', 'connect', 'close'], 'the source');
  const props = validated(def.schema, rawProps);
  let got = 0;
  const errors: Error[] = [];
  let wake: () => void = () => {};
  const arrived = new Promise<void>((res) => (wake = res));
  const deliver = (n: number) => {
    got += n;
    if (got >= count) wake();
    return true;
  };
  const io: SourceIO = {
    bytes: (payload) => {
      if (!(payload instanceof Uint8Array)) errors.push(new Error('io.bytes() needs a Uint8Array'));
      return deliver(1);
    },
    tuple: (data) => deliver(Array.isArray(data) ? data.length : 1),
    error: (e) => void errors.push(e),
    eof: () => wake(),
    status: () => {},
    onDrain: () => {},
  };
  await step('provision()', () => source.provision(ctx, props));
  await step('connect()', () => source.connect(ctx, io));
  let pullTimer: NodeJS.Timeout | undefined;
  if (typeof source.pull === 'function') {
    const every = typeof props.interval === 'number' ? Math.min(props.interval, 1000) : 100;
    const pull = () => void Promise.resolve(source.pull!(ctx, Date.now(), io)).catch((e: Error) => errors.push(e));
    pull();
    pullTimer = setInterval(pull, every);
  }
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((res) => (deadline = setTimeout(() => res(true), timeout)));
  const late = await Promise.race([arrived.then(() => false), timedOut]);
  clearTimeout(deadline);
  clearInterval(pullTimer);
  await step('close()', () => source.close(ctx));
  if (errors.length) throw new Error(`the source reported: ${errors.map((e) => e.message).join('; ')}`);
  if (late) throw new Error(`delivered ${got} of ${count} record(s) within ${timeout} ms`);
  assertNoTimers(ctx, 'the source');
}

const CANDIDATE_ARGS: unknown[][] = [[1.5], ['abc'], [1.5, 2.5], [], ['abc', 'd'], [1.5, 2.5, 3.5]];

async function checkFunction(def: FunctionDef, ctx: Ctx, given: unknown[] | undefined, c: { expect?: unknown }): Promise<void> {
  if (def.type !== 'scalar' && def.type !== 'aggregate') throw new Error(`function type must be 'scalar' or 'aggregate', got ${String(def.type)}`);
  if (typeof def.exec !== 'function') throw new Error('the function has no exec()');
  const info = (args: unknown[]): ArgInfo[] =>
    args.map((v) => (def.type === 'aggregate' ? { kind: 'field', name: 'x' } : { kind: 'literal', value: v }));
  let args = given;
  if (args) {
    const refused = def.validate?.(info(args));
    if (refused !== undefined) throw new Error(`validate() refused the args from oort-test.json: ${refused}`);
  } else {
    args = CANDIDATE_ARGS.find((a) => def.validate?.(info(a)) === undefined);
    if (!args) throw new Error('validate() refused every sample argument list: give "args" in oort-test.json');
    if (def.type === 'aggregate') args = args.map((v) => [v, v, v]);
  }
  const value = await step('exec()', () => def.exec(ctx, args!));
  if ('expect' in c && !isDeepStrictEqual(value, c.expect)) {
    throw new Error(`exec(${JSON.stringify(args)}) returned ${JSON.stringify(value)}, expected ${JSON.stringify(c.expect)}`);
  }
}

/** The report `oort plugin test` prints. */
export function formatResults(results: CheckResult[]): string {
  const lines = results.map((r) => {
    const mark = r.skipped ? 'SKIP' : r.ok ? 'PASS' : 'FAIL';
    const tail = r.skipped ? ` (${r.skipped})` : r.ok ? ` (${r.ms.toFixed(0)} ms)` : `: ${r.message}`;
    const logs = !r.ok && r.logs.length ? '\n' + r.logs.map((l) => `      ${l.level}: ${l.msg}`).join('\n') : '';
    return `  ${mark} ${r.kind} ${r.symbol}${tail}${logs}`;
  });
  const failed = results.filter((r) => !r.ok).length;
  lines.push(`contract: ${results.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}
