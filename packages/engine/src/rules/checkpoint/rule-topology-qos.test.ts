import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectorDef, Row, Sink, SinkItem, Source, SourceIO } from '@oort/sdk';
import '../../functions/index.js';
import { getBuiltin } from '../../functions/registry.js';
import { Catalog } from '../../catalog/catalog.js';
import { ConfKeys } from '../../catalog/conf-keys.js';
import { MemoryKV } from '../../store/memory-kv.js';
import { planRule } from '../../plan/planner.js';
import { parseRule } from '../rule-def.js';
import { SystemClock } from '../../runtime/clock.js';
import { ConsoleLogger } from '../../runtime/logger.js';
import { SourcePool } from '../../runtime/source-pool.js';
import { RuleTopology, type TopologyEnv } from '../../runtime/rule-topology.js';
import { compileSinkTransform } from '../../template/sink-transform.js';

/** A source whose messages can be acknowledged, fed by the test. */
class AckSource implements Source {
  static last?: AckSource;
  io?: SourceIO;
  provision(): void {}
  connect(_ctx: unknown, io: SourceIO): void {
    this.io = io;
    AckSource.last = this;
  }
  close(): void {}
  /** Sends one message; returns a function telling whether it was acknowledged. */
  send(row: Row): () => number {
    let acks = 0;
    this.io!.tuple(row, {}, undefined, { ack: () => acks++, id: JSON.stringify(row) });
    return () => acks;
  }
}

/** A sink that holds every send until the test opens it. */
class GateSink implements Sink {
  readonly kind = 'tuple';
  open = true;
  private waiting: (() => void)[] = [];
  constructor(readonly got: Row[]) {}
  provision(): void {}
  connect(): void {}
  async collect(_ctx: unknown, item: SinkItem): Promise<void> {
    while (!this.open) await new Promise<void>((r) => this.waiting.push(r));
    this.got.push(...(item.rows ?? []));
  }
  release(): void {
    this.open = true;
    for (const w of this.waiting.splice(0)) w();
  }
  close(): void {}
}

const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function harness(kv: MemoryKV, sink: GateSink) {
  const catalog = new Catalog(kv);
  if (!catalog.get('s')) catalog.create('CREATE STREAM s () WITH (TYPE="acks", FORMAT="json")');
  const logger = new ConsoleLogger('silent');
  const clock = new SystemClock();
  const sources = new SourcePool({
    clock,
    logger,
    confKeys: new ConfKeys(kv),
    resolveSource: () => ({ create: () => new AckSource() }) as ConnectorDef<Source>,
    globalProps: {},
    typeDefaults: {},
  });
  const env: TopologyEnv = {
    clock,
    logger,
    sources,
    confKeys: new ConfKeys(kv),
    resolveSink: () => ({ create: () => sink }) as ConnectorDef<Sink>,
    resolveFunction: getBuiltin,
    sinkTransform: (props, kind) => compileSinkTransform(props, kind),
    ignoreCase: true,
    typeDefaults: {},
    kv,
  };
  const topology = (sql: string, qos: number) => {
    const rule = parseRule({ id: 'r1', sql, actions: [{ gate: {} }], options: { qos } });
    return new RuleTopology(env, rule, planRule(sql, catalog));
  };
  return { topology };
}

describe('a rule at QoS 1 in a real topology', () => {
  it('acknowledges a message once its result has been sent, not when it was queued for the sink', async () => {
    const got: Row[] = [];
    const sink = new GateSink(got);
    sink.open = false;
    const topo = harness(new MemoryKV(), sink).topology('SELECT n FROM s', 1);
    await topo.open();
    await waitFor(() => AckSource.last?.io !== undefined, 'the source connected');
    const acked = AckSource.last!.send({ n: 1 });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(acked(), 0);
    sink.release();
    await waitFor(() => acked() === 1, 'the ack');
    assert.deepEqual(got, [{ n: 1 }]);
    await topo.close();
  });

  it('asks the source for acknowledgements and a session only when the rule runs at QoS 1 or 2', async () => {
    const topo = harness(new MemoryKV(), new GateSink([])).topology('SELECT n FROM s', 0);
    await topo.open();
    await waitFor(() => AckSource.last?.io !== undefined, 'the source connected');
    assert.equal(AckSource.last!.io!.delivery?.acknowledged, false);
    const acked = AckSource.last!.send({ n: 1 });
    assert.equal(acked(), 1, 'a QoS 0 rule lets the message be acknowledged on receipt');
    await topo.close();
  });

  it('resumes a count window from the checkpoint written at a graceful stop', async () => {
    const kv = new MemoryKV();
    const got: Row[] = [];
    const sql = 'SELECT count(*) AS c FROM s GROUP BY COUNTWINDOW(3)';
    const h = harness(kv, new GateSink(got));
    const t1 = h.topology(sql, 1);
    await t1.open();
    await waitFor(() => AckSource.last?.io !== undefined, 'the source connected');
    const a1 = AckSource.last!.send({ n: 1 });
    const a2 = AckSource.last!.send({ n: 2 });
    await waitFor(() => a1() === 1 && a2() === 1, 'acks after the checkpoint');
    await t1.close();
    assert.deepEqual(got, []);
    const t2 = h.topology(sql, 1);
    await t2.open();
    await waitFor(() => AckSource.last?.io !== undefined, 'the source connected again');
    AckSource.last!.send({ n: 3 });
    await waitFor(() => got.length === 1, 'the window of three');
    assert.deepEqual(got, [{ c: 3n }]);
    await t2.close();
  });
});
