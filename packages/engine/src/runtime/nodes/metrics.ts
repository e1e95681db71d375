import type { ConnectionStatus } from '@oort/sdk';

const CONN_VALUE: Record<ConnectionStatus, number> = { connected: 1, connecting: 0, disconnected: -1 };

/**
 * Counters of one node in a rule topology, reported under eKuiper's metric names
 * (`<kind>_<name>_0_records_in_total`, ...). Plain fields, incremented inline on the hot path.
 */
export class NodeMetrics {
  recordsIn = 0;
  recordsOut = 0;
  messagesProcessed = 0;
  processLatencyUs = 0;
  lastInvocation = 0;
  exceptions = 0;
  lastException = '';
  lastExceptionTime = 0;
  connectionStatus?: ConnectionStatus;
  lastConnectedTime = 0;
  lastDisconnectedTime = 0;
  lastDisconnectedMessage = '';
  lastTryTime = 0;
  /** Returns the current queue length of the node, if it has one. */
  bufferLength: () => number = () => 0;
  /** Counters a shared node keeps once for all its subscribers, and their values at {@link link}. */
  private shared?: SharedCounters;
  private sharedIn0 = 0;
  private sharedOut0 = 0;

  constructor(
    /** Node id as in `GET /rules/{id}/topo`: `source_demo`, `op_2_filter`, `sink_mqtt_0`. */
    readonly id: string,
    readonly withConnection = false,
  ) {}

  /**
   * From now on also report what `c` counts (a source shared by many rules counts each
   * message once, not once per rule). The node's own fields keep counting what is only its own.
   */
  link(c: SharedCounters): void {
    this.unlink();
    this.shared = c;
    this.sharedIn0 = c.recordsIn;
    this.sharedOut0 = c.recordsOut;
  }

  /** Stops following the shared counters, keeping what they counted so far. */
  unlink(): void {
    const c = this.shared;
    if (!c) return;
    this.recordsIn = this.totalIn;
    this.recordsOut = this.totalOut;
    this.lastInvocation = this.totalLastInvocation;
    this.shared = undefined;
  }

  get totalIn(): number {
    return this.recordsIn + (this.shared ? this.shared.recordsIn - this.sharedIn0 : 0);
  }

  get totalOut(): number {
    return this.recordsOut + (this.shared ? this.shared.recordsOut - this.sharedOut0 : 0);
  }

  get totalLastInvocation(): number {
    const c = this.shared;
    return c && c.recordsIn !== this.sharedIn0 ? Math.max(this.lastInvocation, c.lastInvocation) : this.lastInvocation;
  }

  error(err: unknown, now: number): void {
    this.exceptions++;
    this.lastException = err instanceof Error ? err.message : String(err);
    this.lastExceptionTime = now;
  }

  connection(status: ConnectionStatus, now: number, message?: string): void {
    this.connectionStatus = status;
    if (status === 'connected') this.lastConnectedTime = now;
    else if (status === 'disconnected') {
      this.lastDisconnectedTime = now;
      this.lastDisconnectedMessage = message ?? '';
    } else this.lastTryTime = now;
  }

  writeTo(out: Record<string, unknown>): void {
    const p = `${this.id}_0_`;
    out[p + 'records_in_total'] = this.totalIn;
    out[p + 'records_out_total'] = this.totalOut;
    out[p + 'messages_processed_total'] = this.messagesProcessed;
    out[p + 'process_latency_us'] = this.processLatencyUs;
    out[p + 'buffer_length'] = this.bufferLength();
    out[p + 'last_invocation'] = this.totalLastInvocation;
    out[p + 'exceptions_total'] = this.exceptions;
    out[p + 'last_exception'] = this.lastException;
    out[p + 'last_exception_time'] = this.lastExceptionTime;
    if (this.withConnection) {
      out[p + 'connection_status'] = this.connectionStatus ? CONN_VALUE[this.connectionStatus] : 0;
      out[p + 'connection_last_connected_time'] = this.lastConnectedTime;
      out[p + 'connection_last_disconnected_time'] = this.lastDisconnectedTime;
      out[p + 'connection_last_disconnected_message'] = this.lastDisconnectedMessage;
      out[p + 'connection_last_try_time'] = this.lastTryTime;
    }
  }
}

/** Plain counters a shared node bumps once per message; see {@link NodeMetrics.link}. */
export class SharedCounters {
  recordsIn = 0;
  recordsOut = 0;
  lastInvocation = 0;
}
