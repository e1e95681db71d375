import type {
  ArgInfo,
  ConnectionStatus,
  ConnectorDef,
  FunctionContext,
  FunctionDef,
  Meta,
  Row,
  Sink,
  SinkItem,
  Source,
  SourceIO,
  StreamContext,
} from '@oort/sdk';
import type { LoadedPlugin, SchemaMap } from '../types.js';
import type { ReadyInfo, RemoteHost } from './remote-host.js';

/**
 * Engine-side stand-ins for sources, sinks and functions that live in an isolated runtime.
 * `structured` runtimes (worker threads) get values by structured clone (bigint, Date and
 * bytes survive); JSON runtimes (external processes) get rows only.
 */
export function remotePlugin(host: RemoteHost, ready: ReadyInfo, schema: SchemaMap, structured: boolean): LoadedPlugin {
  const sources = new Map<string, ConnectorDef<Source>>();
  const sinks = new Map<string, ConnectorDef<Sink>>();
  const functions = new Map<string, FunctionDef>();
  for (const s of ready.sources) sources.set(s, withSchema({ create: () => new RemoteSource(host, s) }, schema[s] ?? ready.schemas?.[s]));
  const inFlight = (ready as ReadyInfo & { collectsInOrder?: boolean }).collectsInOrder === true ? REMOTE_SINK_IN_FLIGHT : 1;
  for (const s of ready.sinks) {
    const kind = ready.sinkKinds?.[s] ?? 'tuple';
    sinks.set(s, withSchema({ create: () => new RemoteSink(host, s, kind, structured, inFlight) }, schema[s] ?? ready.schemas?.[s]));
  }
  const aggregates = new Set(ready.aggregates ?? []);
  for (const f of ready.functions) functions.set(f, remoteFunction(host, f, aggregates.has(f) ? 'aggregate' : 'scalar'));
  return {
    sources,
    sinks,
    functions,
    status: () => host.status(),
    openInstances: () => host.openInstances(),
    dispose: () => host.dispose(),
    retire: (cb) => {
      // Compiled rules call functions without opening anything, so the host cannot see
      // them; keep an old version answering until the rule manager has moved its rules.
      if (functions.size === 0) return host.retire(cb);
      setTimeout(() => host.retire(cb), FUNCTION_RETIRE_GRACE_MS).unref();
    },
  };
}

/**
 * Collects an isolated sink keeps outstanding (one thread or process round trip per result
 * bounded it to about 90 k/s): only when the runtime says, with `collectsInOrder` in its ready
 * message, that it runs the collects of one instance one after another, so the plugin still
 * sees each collect settle before the next starts, as the Sink contract promises.
 */
export const REMOTE_SINK_IN_FLIGHT = 64;

/** How long a replaced or deleted isolated plugin with functions keeps answering calls. */
export const FUNCTION_RETIRE_GRACE_MS = 5000;

function withSchema<T>(def: ConnectorDef<T>, schema: ConnectorDef<T>['schema']): ConnectorDef<T> {
  if (schema) def.schema = schema;
  return def;
}

const ctxIds = (ctx: StreamContext) => ({ ruleId: ctx.ruleId, opId: ctx.opId, instanceId: ctx.instanceId });

class RemoteSource implements Source {
  private props: Record<string, unknown> = {};
  private key?: string;
  constructor(private readonly host: RemoteHost, private readonly symbol: string) {}

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    this.props = props;
  }

  async connect(ctx: StreamContext, io: SourceIO): Promise<void> {
    const key = this.host.instanceKey(ctx.ruleId, ctx.opId, ctx.instanceId);
    this.key = key;
    io.status('connecting');
    await this.host.open(
      key,
      { kind: 'source', symbol: this.symbol, props: this.props, ctx: ctxIds(ctx) },
      {
        emit: (data, meta, ts, bytes) => {
          if (bytes) io.bytes(data as Uint8Array, meta as Meta | undefined, ts);
          else io.tuple(data as Row | Row[], meta as Meta | undefined, ts);
        },
        eof: (m) => io.eof(m),
        error: (e) => io.error(e),
        status: (s, m) => io.status(s, m),
      },
    );
    io.status('connected');
  }

  async close(): Promise<void> {
    if (this.key) await this.host.close(this.key);
  }
}

class RemoteSink implements Sink {
  private props: Record<string, unknown> = {};
  private key?: string;
  constructor(
    private readonly host: RemoteHost,
    private readonly symbol: string,
    readonly kind: 'bytes' | 'tuple',
    private readonly structured: boolean,
    /** See {@link REMOTE_SINK_IN_FLIGHT}; the sink node confirms and resends in order. */
    readonly maxInFlight = 1,
  ) {}

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    this.props = props;
  }

  async connect(ctx: StreamContext, status: (s: ConnectionStatus, message?: string) => void): Promise<void> {
    const key = this.host.instanceKey(ctx.ruleId, ctx.opId, ctx.instanceId);
    this.key = key;
    status('connecting');
    await this.host.open(key, { kind: 'sink', symbol: this.symbol, props: this.props, ctx: ctxIds(ctx) }, { status });
    status('connected');
  }

  async collect(_ctx: StreamContext, item: SinkItem): Promise<void> {
    const instance = this.key ?? '';
    if (this.structured) await this.host.call({ type: 'collect', instance, item });
    else await this.host.call({ type: 'collect', instance, data: rowsOf(item), props: item.props });
  }

  async close(): Promise<void> {
    if (this.key) await this.host.close(this.key);
  }
}

/** Rows for a JSON runtime; a bytes item holding JSON is decoded so the plugin still gets rows. */
function rowsOf(item: SinkItem): unknown[] {
  if (item.rows) return item.rows;
  if (!item.payload) return [];
  const text = Buffer.from(item.payload.buffer, item.payload.byteOffset, item.payload.byteLength).toString('utf8');
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [v];
  } catch {
    return [{ payload: text }];
  }
}

/**
 * A function of an isolated runtime, called synchronously as the expression compiler needs:
 * the engine thread blocks until the runtime answers (see sync-caller.ts), at most the
 * host's sync timeout; a failure becomes an error of that row. `validate` asks the runtime
 * at plan time; a runtime that cannot answer it (an older SDK, or down) refuses nothing.
 * Functions are not opened: `exec` names its symbol, so a restart needs no replay for them.
 */
function remoteFunction(host: RemoteHost, symbol: string, type: 'scalar' | 'aggregate'): FunctionDef {
  // One instance string per call site, built once (ctx is the same object for every row).
  let lastCtx: FunctionContext | undefined;
  let instance = '';
  return {
    type,
    validate(args: ArgInfo[]): string | undefined {
      try {
        const msg = host.callSync({ type: 'validate', symbol, args });
        return typeof msg === 'string' && msg !== '' ? msg : undefined;
      } catch {
        return undefined;
      }
    },
    exec(ctx: FunctionContext, args: unknown[]): unknown {
      if (ctx !== lastCtx) {
        lastCtx = ctx;
        instance = `${ctx.ruleId}/func_${ctx.funcId}/${ctx.instanceId}`;
      }
      return host.callSync({ type: 'exec', symbol, args, instance });
    },
  };
}
