import { ConfigError, validateConfig, type ConfigSchema, type Row, type Source, type SourceIO, type StreamContext, type TimerHandle } from '@oort/sdk';

export const simulatorSourceSchema: ConfigSchema = {
  data: { type: 'array', required: true, description: 'rows to emit, in order' },
  interval: { type: 'duration', default: 1000, minimum: 1, description: 'time between two rows' },
  loop: { type: 'boolean', default: true, description: 'start over after the last row; otherwise end the input' },
};

/** Emits configured rows one per interval (demos and tests), on the context's clock. */
export class SimulatorSource implements Source {
  private data: Row[] = [];
  private interval = 1000;
  private loop = true;
  private timer: TimerHandle | undefined;

  provision(_ctx: StreamContext, props: Record<string, unknown>): void {
    const { props: p, issues } = validateConfig(simulatorSourceSchema, props);
    if (issues.length) throw new ConfigError(issues.map((i) => i.message).join('; '));
    this.data = p.data as Row[];
    if (!this.data.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) throw new ConfigError('simulator data must be a list of objects');
    this.interval = p.interval as number;
    this.loop = p.loop as boolean;
  }

  connect(ctx: StreamContext, io: SourceIO): void {
    io.status('connected');
    if (!this.data.length) return io.eof('simulator has no data');
    let i = 0;
    this.timer = ctx.clock.setInterval(() => {
      io.tuple({ ...this.data[i]! });
      i++;
      if (i >= this.data.length) {
        if (this.loop) i = 0;
        else {
          this.timer?.cancel();
          this.timer = undefined;
          io.eof('simulator data sent');
        }
      }
    }, this.interval);
  }

  async lookup(_ctx: StreamContext, _fields: string[], keys: string[], values: unknown[]): Promise<Row[]> {
    // loose equality so that 1 (float) finds 1n (int), as eKuiper compares numbers
    // eslint-disable-next-line eqeqeq
    return this.data.filter((r) => keys.every((k, i) => r[k] == values[i]));
  }

  close(_ctx?: StreamContext): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
