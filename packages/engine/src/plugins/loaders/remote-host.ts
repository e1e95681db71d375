import type { ConfigSchema, Logger } from '@oort/sdk';
import { ConfigError, IOError } from '@oort/sdk';
import type { BackoffOptions, HostState, HostStatus } from '../types.js';
import type { SyncReply } from './sync-responder.js';

/** One message of the plugin protocol (see docs/plugins-internals.md). */
export type Message = Record<string, any>;

/** What a transport reports back to its host. */
export interface TransportEvents {
  message(msg: Message): void;
  /** The runtime is gone; `reason` says why, for status and logs. */
  exit(reason: string): void;
}

/** A running plugin runtime: a worker thread or a child process. */
export interface Transport {
  readonly pid?: number;
  send(msg: Message): void;
  /** Asks the runtime to finish (stdin EOF, worker terminate). */
  end(): void;
  /** Stops it now (a hung runtime). */
  kill(): void;
  /**
   * Sends a request and blocks the calling thread until its reply (or `timeoutMs`): how
   * SQL functions, which the expression compiler calls synchronously, reach the runtime.
   */
  callSync?(msg: Message, timeoutMs: number): SyncReply;
}

export type TransportFactory = (events: TransportEvents) => Transport;

/** The first message of a runtime: what it provides. */
export interface ReadyInfo {
  sources: string[];
  sinks: string[];
  functions: string[];
  /** Worker runtimes report each sink's `kind`; external processes always take rows. */
  sinkKinds?: Record<string, 'bytes' | 'tuple'>;
  aggregates?: string[];
  schemas?: Record<string, ConfigSchema>;
  /** The runtime runs each sink instance's collects in order, so the engine may pipeline them. */
  collectsInOrder?: boolean;
}

/** Callbacks of one open source or sink instance. */
export interface InstanceHandlers {
  emit?(data: unknown, meta: Record<string, unknown> | undefined, ts: number | undefined, bytes: boolean): void;
  eof?(message?: string): void;
  error?(err: Error): void;
  status?(status: 'connected' | 'connecting' | 'disconnected', message?: string): void;
}

interface Instance {
  open: Message;
  handlers: InstanceHandlers;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export interface RemoteHostOptions {
  /** For messages: `worker plugin mysql@1.0.0`. */
  label: string;
  factory: TransportFactory;
  logger: Logger;
  /** A call not answered in this time fails with IOError (default 10 s). */
  callTimeoutMs?: number;
  /** Time allowed for the `ready` message (default 10 s). */
  initTimeoutMs?: number;
  /**
   * Synchronous calls (SQL functions) block the engine thread: one not answered in this
   * time fails with IOError (default 2 s), and later ones fail at once until the runtime
   * answers a ping again or is restarted.
   */
  syncTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** A runtime that ran this long before dying is considered healthy again (default 30 s). */
  stableMs?: number;
}

/**
 * Supervises one isolated plugin runtime: starts it, matches requests to replies, routes
 * source data to instances, and when the runtime dies or hangs, fails what was pending
 * with IOError (so sinks retry), restarts it with exponential backoff and reopens every
 * instance that was open. The engine process never dies with it.
 */
export class RemoteHost {
  private transport?: Transport;
  private state: HostState = 'stopped';
  private lastError?: string;
  private restarts = 0;
  private failures = 0;
  private startedAt = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly instances = new Map<string, Instance>();
  private readyWaiter?: { resolve(r: ReadyInfo): void; reject(e: Error): void };
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  private retiring?: () => void;
  private pinging = false;
  /** A synchronous call timed out: fail the next ones fast until a ping is answered. */
  private suspect = false;
  private readonly callTimeoutMs: number;
  private readonly syncTimeoutMs: number;
  private readonly initTimeoutMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxFailures: number;
  private readonly stableMs: number;
  ready?: ReadyInfo;

  constructor(private readonly opts: RemoteHostOptions) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000;
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 2000;
    this.initTimeoutMs = opts.initTimeoutMs ?? 10_000;
    this.baseMs = opts.backoff?.baseMs ?? 1000;
    this.maxMs = opts.backoff?.maxMs ?? 30_000;
    this.maxFailures = opts.backoff?.maxFailures ?? 10;
    this.stableMs = opts.stableMs ?? 30_000;
  }

  get label(): string {
    return this.opts.label;
  }

  status(): HostStatus {
    const s: HostStatus = { state: this.state, restarts: this.restarts };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.transport?.pid !== undefined) s.pid = this.transport.pid;
    return s;
  }

  /** First start: resolves with what the runtime provides, or rejects (and leaves nothing running). */
  async start(): Promise<ReadyInfo> {
    try {
      this.ready = await this.spawn();
      return this.ready;
    } catch (err) {
      this.state = 'failed';
      this.lastError = (err as Error).message;
      this.transport?.kill();
      this.transport = undefined;
      this.disposed = true;
      throw err;
    }
  }

  private spawn(): Promise<ReadyInfo> {
    this.state = this.restarts > 0 ? 'restarting' : 'starting';
    this.suspect = false;
    return new Promise<ReadyInfo>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        this.readyWaiter?.reject(new Error(`${this.label} did not become ready within ${this.initTimeoutMs} ms`));
        t.kill();
      }, this.initTimeoutMs);
      this.readyWaiter = {
        resolve: (r) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.readyWaiter = undefined;
          this.state = 'running';
          this.startedAt = Date.now();
          resolve(r);
        },
        reject: (e) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.readyWaiter = undefined;
          reject(e);
        },
      };
      let t: Transport;
      try {
        t = this.opts.factory({
          message: (m) => {
            if (this.transport === t) this.onMessage(m);
          },
          exit: (reason) => {
            if (this.transport !== t) return;
            this.transport = undefined;
            this.onExit(reason);
          },
        });
      } catch (err) {
        this.readyWaiter.reject(err as Error);
        return;
      }
      this.transport = t;
    });
  }

  private onMessage(m: Message): void {
    switch (m.type) {
      case 'ready':
        if (m.protocol !== undefined && m.protocol !== 1) {
          this.readyWaiter?.reject(new Error(`${this.label} speaks protocol ${m.protocol}; this server speaks 1`));
          this.transport?.kill();
          return;
        }
        this.readyWaiter?.resolve({
          sources: strings(m.sources),
          sinks: strings(m.sinks),
          functions: strings(m.functions),
          sinkKinds: m.sinkKinds,
          aggregates: m.aggregates === undefined ? undefined : strings(m.aggregates),
          schemas: m.schemas,
          collectsInOrder: m.collectsInOrder === true,
        });
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(remoteError(m));
        return;
      }
      case 'emit':
        this.instances.get(m.instance)?.handlers.emit?.(m.data, m.meta, m.ts, m.bytes === true);
        return;
      case 'eof':
        this.instances.get(m.instance)?.handlers.eof?.(m.message ?? m.msg);
        return;
      case 'error': {
        const h = this.instances.get(m.instance)?.handlers;
        if (h?.error) h.error(new Error(String(m.error)));
        else this.opts.logger.warn(`${this.label}: ${m.instance ?? ''} ${m.error}`);
        return;
      }
      case 'status':
        this.instances.get(m.instance)?.handlers.status?.(m.status, m.message);
        return;
      case 'log': {
        const level: 'debug' | 'info' | 'warn' | 'error' = m.level === 'debug' || m.level === 'warn' || m.level === 'error' ? m.level : 'info';
        this.opts.logger[level](`${this.label}: ${m.msg}`);
        return;
      }
      default:
        this.opts.logger.warn(`${this.label}: unknown message type ${JSON.stringify(m.type)}`);
    }
  }

  private onExit(reason: string): void {
    const wasRunning = this.state === 'running';
    this.readyWaiter?.reject(new Error(`${this.label} ${reason}`));
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new IOError(`${this.label} ${reason}`));
      this.pending.delete(id);
    }
    if (this.disposed) {
      this.state = 'stopped';
      return;
    }
    if (!wasRunning) return; // a failed (re)start: its caller handles it
    this.lastError = reason;
    this.opts.logger.error(`${this.label} ${reason}; restarting`);
    for (const inst of this.instances.values()) {
      inst.handlers.error?.(new IOError(`${this.label} ${reason}; restarting`));
      inst.handlers.status?.('disconnected', reason);
    }
    if (Date.now() - this.startedAt >= this.stableMs) this.failures = 0;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.disposed) return;
    this.failures++;
    if (this.failures > this.maxFailures) {
      this.state = 'failed';
      this.opts.logger.error(`${this.label} failed ${this.maxFailures} times in a row; giving up until it is used again`);
      return;
    }
    const delay = Math.min(this.baseMs * 2 ** (this.failures - 1), this.maxMs);
    this.state = 'restarting';
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts++;
      this.spawn().then(
        () => this.reopenAll(),
        (err: Error) => {
          this.lastError = err.message;
          this.opts.logger.error(`${this.label} restart failed: ${err.message}`);
          this.transport?.kill();
          this.transport = undefined;
          this.scheduleRestart();
        },
      );
    }, delay);
    this.restartTimer.unref?.();
  }

  private async reopenAll(): Promise<void> {
    for (const inst of this.instances.values()) {
      try {
        await this.call({ ...inst.open });
        inst.handlers.status?.('connected');
      } catch (err) {
        inst.handlers.error?.(err as Error);
      }
    }
  }

  /** Sends a request and resolves with the reply's value. */
  call(msg: Message, timeoutMs = this.callTimeoutMs): Promise<unknown> {
    if (this.state === 'failed' && !this.disposed && !this.restartTimer) {
      // Someone needs the plugin again: give it a fresh series of attempts.
      this.failures = 0;
      this.scheduleRestart();
    }
    const t = this.transport;
    if (!t || this.state !== 'running') {
      const why = this.disposed ? 'is stopped' : `is ${this.state}${this.lastError ? ` (last error: ${this.lastError})` : ''}`;
      return Promise.reject(new IOError(`${this.label} ${why}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IOError(`${this.label} did not answer ${msg.type} within ${timeoutMs} ms`));
        if (msg.type !== 'ping') this.checkAlive();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        t.send({ id, ...msg });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new IOError(`${this.label}: cannot send ${msg.type}: ${(err as Error).message}`));
      }
    });
  }

  /**
   * Sends a request and blocks this thread until the reply: for SQL functions, which the
   * expression compiler calls synchronously. Returns the reply's value or throws (IOError
   * when the runtime is down, slow or hung; the plugin's own error otherwise).
   */
  callSync(msg: Message, timeoutMs = this.syncTimeoutMs): unknown {
    if (this.state === 'failed' && !this.disposed && !this.restartTimer) {
      this.failures = 0;
      this.scheduleRestart();
    }
    const t = this.transport;
    if (!t || this.state !== 'running') {
      const why = this.disposed ? 'is stopped' : `is ${this.state}${this.lastError ? ` (last error: ${this.lastError})` : ''}`;
      throw new IOError(`${this.label} ${why}`);
    }
    if (!t.callSync) throw new IOError(`${this.label} cannot answer synchronous calls`);
    if (this.suspect) throw new IOError(`${this.label} did not answer in time; calls fail until it answers again`);
    const r = t.callSync({ id: this.nextId++, ...msg }, timeoutMs);
    if (r.ok) return r.value;
    if (r.timedOut) {
      this.suspect = true;
      this.checkAlive();
      throw new IOError(`${this.label} ${r.error}`);
    }
    throw remoteError(r as Message);
  }

  /** After a timeout: a runtime that does not even answer a ping is hung, so restart it. */
  private checkAlive(): void {
    if (this.pinging || !this.transport) return;
    this.pinging = true;
    const t = this.transport;
    this.call({ type: 'ping' }, Math.min(this.callTimeoutMs, 2000)).then(
      () => {
        this.pinging = false;
        if (this.transport === t) this.suspect = false;
      },
      () => {
        this.pinging = false;
        if (this.transport === t) {
          this.opts.logger.error(`${this.label} is not responding; killing it`);
          this.lastError = 'not responding';
          t.kill();
        }
      },
    );
  }

  /** Opens an instance and remembers it, so a restarted runtime gets it reopened. */
  async open(key: string, msg: Message, handlers: InstanceHandlers): Promise<void> {
    const open = { type: 'open', instance: key, ...msg };
    this.instances.set(key, { open, handlers });
    try {
      await this.call(open);
    } catch (err) {
      this.instances.delete(key);
      this.checkRetired();
      throw err;
    }
  }

  async close(key: string): Promise<void> {
    if (!this.instances.delete(key)) return;
    try {
      if (this.transport && this.state === 'running') await this.call({ type: 'close', instance: key });
    } finally {
      this.checkRetired();
    }
  }

  /** A key not used by any open instance, based on the context's ids. */
  instanceKey(ruleId: string, opId: string, instanceId: number): string {
    const base = `${ruleId}/${opId}/${instanceId}`;
    let key = base;
    for (let n = 2; this.instances.has(key); n++) key = `${base}#${n}`;
    return key;
  }

  openInstances(): string[] {
    return [...this.instances.keys()];
  }

  hasInstance(key: string): boolean {
    return this.instances.has(key);
  }

  retire(onGone?: () => void): void {
    this.retiring = onGone ?? (() => {});
    this.checkRetired();
  }

  private checkRetired(): void {
    if (this.retiring && this.instances.size === 0 && !this.disposed) {
      const cb = this.retiring;
      void this.dispose().then(cb);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new IOError(`${this.label} is stopped`));
      this.pending.delete(id);
    }
    this.instances.clear();
    const t = this.transport;
    this.transport = undefined;
    this.state = 'stopped';
    t?.end();
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** Rebuilds an error from a `result` with `ok: false`. */
function remoteError(m: Message): Error {
  const msg = typeof m.error === 'string' ? m.error : JSON.stringify(m.error);
  if (m.retryable) return new IOError(msg);
  if (m.errorName === 'ConfigError') return new ConfigError(msg);
  return new Error(msg);
}
