import { NodeMetrics } from '../nodes/metrics.js';

/**
 * The metrics of a sink node: eKuiper's, plus, when the cache is on, `cache_length` (items
 * cached, memory and disk), `cache_disk_length`, `dropped_total` (by the overflow policy or
 * refused by the sink) and `resent_total` (sent again after a failure).
 */
export class SinkMetrics extends NodeMetrics {
  resent = 0;
  cache?: { length(): number; diskLength(): number; dropped(): number };

  override writeTo(out: Record<string, unknown>): void {
    super.writeTo(out);
    const c = this.cache;
    if (!c) return;
    const p = `${this.id}_0_`;
    out[p + 'cache_length'] = c.length();
    out[p + 'cache_disk_length'] = c.diskLength();
    out[p + 'dropped_total'] = c.dropped();
    out[p + 'resent_total'] = this.resent;
  }
}
