import { ConfigError, validateConfig } from '@oort/sdk';
import type { ConfigSchema, Row, Source, SourceIO, StreamContext, TimerHandle } from '@oort/sdk';

/** Properties of the `random` source: stream `WITH` options and conf keys in random.yaml. */
export const schema: ConfigSchema = {
  pattern: { type: 'object', required: true, description: 'row template: integers and floats are replaced by random values' },
  interval: { type: 'duration', default: 1000, minimum: 1, description: 'time between two rows' },
  seed: { type: 'number', default: 100, minimum: 0, description: 'random values are drawn from [0, seed)' },
  deduplicate: { type: 'integer', default: 0, minimum: 0, description: 'skip a row equal to one of the last N sent (0: off)' },
  randomSeed: { type: 'integer', description: 'seed of the generator, for reproducible sequences' },
};

/** A small seeded generator (mulberry32): reproducible with `randomSeed`, no global state. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Emits one row every `interval`, shaped like `pattern`: integer fields become random
 * integers (SQL int, so `bigint`), float fields random floats, other fields are copied.
 * Time comes from `ctx.clock`, so a rule test can drive it with a manual clock.
 */
export class RandomSource implements Source {
  private pattern: Row = {};
  private interval = 1000;
  private seed = 100;
  private dedup = 0;
  private random: () => number = Math.random;
  private recent: string[] = [];
  private timer: TimerHandle | undefined;

  provision(_ctx: StreamContext, input: Record<string, unknown>): void {
    const { props, issues } = validateConfig(schema, input);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.pattern = props.pattern as Row;
    if (Object.keys(this.pattern).length === 0) throw new ConfigError('property pattern must have at least one field');
    this.interval = props.interval as number;
    this.seed = props.seed as number;
    this.dedup = props.deduplicate as number;
    if (props.randomSeed !== undefined) this.random = mulberry32(props.randomSeed as number);
  }

  connect(ctx: StreamContext, io: SourceIO): void {
    this.timer = ctx.clock.setInterval(() => this.tick(ctx, io), this.interval);
  }

  private tick(ctx: StreamContext, io: SourceIO): void {
    const row = this.next();
    if (this.dedup > 0) {
      const key = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      if (this.recent.includes(key)) return;
      this.recent.push(key);
      if (this.recent.length > this.dedup) this.recent.shift();
    }
    io.tuple(row, { source: 'random' }, ctx.clock.now());
  }

  /** One row from the pattern. */
  next(): Row {
    const row: Row = {};
    for (const [k, v] of Object.entries(this.pattern)) {
      if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) row[k] = BigInt(Math.floor(this.random() * this.seed));
      else if (typeof v === 'number') row[k] = this.random() * this.seed;
      else row[k] = v;
    }
    return row;
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
