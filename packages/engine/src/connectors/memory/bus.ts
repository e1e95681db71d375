import type { Row } from '@oort/sdk';
import { compileTopicFilter } from './topic-match.js';

/** Receives rows published on a topic matching the subscription's filter. */
export type BusHandler = (topic: string, rows: Row[]) => void;

interface Subscription {
  filter: string;
  match: (topic: string) => boolean;
  handler: BusHandler;
}

/**
 * In-process pub/sub for rule pipelines (eKuiper's memory topics): many publishers, many
 * subscribers, MQTT wildcards in subscriptions. Rows are shared between subscribers, who
 * must not mutate them. Delivery is synchronous.
 */
export class MemoryBus {
  private subs = new Set<Subscription>();
  /** topic → subscriptions matching it; dropped whenever subscriptions change. */
  private routes = new Map<string, Subscription[]>();

  subscribe(filter: string, handler: BusHandler): () => void {
    const sub: Subscription = { filter, match: compileTopicFilter(filter), handler };
    this.subs.add(sub);
    this.routes.clear();
    return () => {
      if (this.subs.delete(sub)) this.routes.clear();
    };
  }

  /** Publishes rows; returns how many subscriptions received them. */
  publish(topic: string, rows: Row[]): number {
    let route = this.routes.get(topic);
    if (!route) {
      route = [...this.subs].filter((s) => s.match(topic));
      this.routes.set(topic, route);
    }
    for (const s of route) s.handler(topic, rows);
    return route.length;
  }

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    return this.subs.size;
  }
}

/** The process-wide bus the memory source and sink use. */
export const memoryBus = new MemoryBus();
