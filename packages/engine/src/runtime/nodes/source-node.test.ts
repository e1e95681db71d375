import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row, Source, SourceIO } from '@oort/sdk';
import { createStreamContext } from '../context.js';
import { SystemClock } from '../clock.js';
import { ConsoleLogger } from '../logger.js';
import type { AckToken } from '../../rules/checkpoint/ack-token.js';
import type { Tuple } from '../tuple.js';
import { NodeMetrics } from './metrics.js';
import { SourceNode, type SourceSubscriber } from './source-node.js';

class FakeSource implements Source {
  io?: SourceIO;
  connects = 0;
  provision(): void {}
  connect(_ctx: unknown, io: SourceIO): void {
    this.connects++;
    this.io = io;
  }
  close(): void {}
}

function node(decode?: (b: Uint8Array) => Row | Row[]) {
  const src = new FakeSource();
  const ctx = createStreamContext({ ruleId: '', opId: 'source_s', logger: new ConsoleLogger('silent'), clock: new SystemClock(), signal: new AbortController().signal });
  const n = new SourceNode('s', src, ctx, decode ? { decode } : undefined, { datasource: 't' }, 'scope');
  return { n, src };
}

/** A subscriber that holds every token until `cover()`. */
function rule(qos: number) {
  const held: AckToken[] = [];
  const got: Tuple[] = [];
  const sub: SourceSubscriber = {
    ruleId: `r${qos}`,
    qos,
    sourceMetrics: new NodeMetrics('source_s', true),
    decoderMetrics: new NodeMetrics('op_1_decoder'),
    push: (t, ack) => {
      got.push(t);
      if (ack && qos >= 1) {
        ack.hold();
        held.push(ack);
      }
      return true;
    },
    eof: () => {},
    error: () => {},
  };
  return { sub, got, cover: () => held.splice(0).forEach((a) => a.done()) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SourceNode acknowledgements', () => {
  it('connects when the first rule subscribes and asks for acknowledgements only for QoS 1/2 rules', async () => {
    const { n, src } = node();
    await n.open();
    assert.equal(src.connects, 0);
    n.subscribe(rule(1).sub);
    await tick();
    assert.equal(src.connects, 1);
    assert.equal(src.io!.delivery?.acknowledged, true);
    assert.match(src.io!.delivery!.sessionId, /^oort_[0-9a-f]{16}$/);

    const q0 = node();
    await q0.n.open();
    q0.n.subscribe(rule(0).sub);
    await tick();
    assert.equal(q0.src.io!.delivery?.acknowledged, false);
  });

  it('acknowledges a message when every QoS 1 rule covered all its rows', async () => {
    const { n, src } = node(() => [{ a: 1 }, { a: 2 }]);
    const r1 = rule(1), r2 = rule(1), r0 = rule(0);
    n.subscribe(r1.sub);
    n.subscribe(r2.sub);
    n.subscribe(r0.sub);
    await n.open();
    await tick();
    let acks = 0;
    src.io!.bytes(new Uint8Array([1]), {}, undefined, () => acks++);
    assert.equal(r1.got.length, 2);
    r1.cover();
    assert.equal(acks, 0);
    r2.cover();
    assert.equal(acks, 1);
  });

  it('acknowledges a message that cannot be decoded (a redelivery would not help)', async () => {
    const { n, src } = node(() => {
      throw new Error('bad json');
    });
    n.subscribe(rule(1).sub);
    await n.open();
    await tick();
    let acks = 0;
    src.io!.bytes(new Uint8Array([1]), {}, undefined, { ack: () => acks++ });
    assert.equal(acks, 1);
  });

  it('does not acknowledge a message that arrives when no rule is subscribed any more', async () => {
    const { n, src } = node();
    const r = rule(1);
    n.subscribe(r.sub);
    await n.open();
    await tick();
    n.unsubscribe(r.sub);
    let acks = 0;
    src.io!.tuple({ a: 1 }, {}, undefined, () => acks++);
    assert.equal(acks, 0);
  });

  it('still accepts sources that pass no acknowledgement', async () => {
    const { n, src } = node();
    const r = rule(1);
    n.subscribe(r.sub);
    await n.open();
    await tick();
    assert.equal(src.io!.tuple({ a: 1 }), true);
    assert.equal(r.got.length, 1);
  });
});

describe('SourceNode metrics', () => {
  const counts = (m: NodeMetrics) => {
    const out: Record<string, unknown> = {};
    m.writeTo(out);
    return [out[`${m.id}_0_records_in_total`], out[`${m.id}_0_records_out_total`]];
  };

  it('counts each message once for all rules, and a rule that joins later only from then on', async () => {
    let fail = false;
    const { n, src } = node(() => {
      if (fail) throw new Error('bad payload');
      return [{ a: 1 }, { a: 2 }];
    });
    const early = rule(0), late = rule(0);
    n.subscribe(early.sub);
    await n.open();
    await tick();
    src.io!.bytes(new Uint8Array([1]));
    n.subscribe(late.sub);
    src.io!.bytes(new Uint8Array([2]));
    fail = true;
    src.io!.bytes(new Uint8Array([3]));
    assert.deepEqual(counts(early.sub.sourceMetrics), [3, 3]);
    assert.deepEqual(counts(early.sub.decoderMetrics), [3, 4]);
    assert.deepEqual(counts(late.sub.sourceMetrics), [2, 2]);
    assert.deepEqual(counts(late.sub.decoderMetrics), [2, 2]);
    assert.equal(late.sub.decoderMetrics.exceptions, 1);
    assert.ok(late.sub.sourceMetrics.totalLastInvocation > 0);

    // a rule that leaves keeps what it counted
    n.unsubscribe(late.sub);
    fail = false;
    src.io!.bytes(new Uint8Array([4]));
    assert.deepEqual(counts(late.sub.sourceMetrics), [2, 2]);
    assert.deepEqual(counts(early.sub.sourceMetrics), [4, 4]);
    assert.deepEqual(counts(early.sub.decoderMetrics), [4, 6]);
  });
});
