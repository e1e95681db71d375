import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A stable upstream session name (e.g. an MQTT client id) for a stream on one server:
 * the same after a restart, different for another data folder, stream or broker. MQTT 3.1.1
 * brokers must accept 23 characters; this is 21.
 */
export function sessionIdFor(scope: string | undefined, stream: string, props: Record<string, unknown>): string {
  const h = createHash('sha1')
    .update(scope ?? hostname())
    .update('\0')
    .update(stream)
    .update('\0')
    .update(String(props.server ?? ''))
    .update('\0')
    .update(String(props.datasource ?? ''))
    .digest('hex');
  return `oort_${h.slice(0, 16)}`;
}
