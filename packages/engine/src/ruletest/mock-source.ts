import type { Source, SourceIO, StreamContext } from '@oort/sdk';

/** A source fed by the rule-test driver instead of a real connection. */
export class MockSource implements Source {
  io?: SourceIO;
  provision(): void {}
  connect(_ctx: StreamContext, io: SourceIO): void {
    this.io = io;
  }
  close(): void {
    this.io = undefined;
  }
}
