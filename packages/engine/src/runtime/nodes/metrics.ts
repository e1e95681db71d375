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

  constructor(
    /** Node id as in `GET /rules/{id}/topo`: `source_demo`, `op_2_filter`, `sink_mqtt_0`. */
    readonly id: string,
    readonly withConnection = false,
  ) {}

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
    out[p + 'records_in_total'] = this.recordsIn;
    out[p + 'records_out_total'] = this.recordsOut;
    out[p + 'messages_processed_total'] = this.messagesProcessed;
    out[p + 'process_latency_us'] = this.processLatencyUs;
    out[p + 'buffer_length'] = this.bufferLength();
    out[p + 'last_invocation'] = this.lastInvocation;
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
