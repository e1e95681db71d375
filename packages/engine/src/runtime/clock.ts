import type { Clock, TimerHandle } from '@oort/sdk';

/** Wall-clock time. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  }
}

interface Timer {
  due: number;
  seq: number;
  period: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Simulated time for tests and rule test runs. Time moves only through `advanceTo`, which
 * fires every timer due up to the target in deadline order (ties in creation order), each
 * seeing its own deadline as `now()`.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, Math.max(0, ms), 0);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, Math.max(1, ms), Math.max(1, ms));
  }
  /** Fires timers with deadline <= t (or < t when `exclusive`), then sets the time to t. */
  advanceTo(t: number, exclusive = false): void {
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > t || (exclusive && next.due === t)) break;
      this.current = Math.max(this.current, next.due);
      if (next.period > 0) next.due += next.period;
      else next.cancelled = true;
      this.timers = this.timers.filter((x) => !x.cancelled);
      next.fn();
    }
    if (t > this.current) this.current = t;
  }
  /** Deadline of the earliest pending timer, if any. */
  nextDeadline(): number | undefined {
    return this.nextDue()?.due;
  }
  private nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const x of this.timers) {
      if (x.cancelled) continue;
      if (!best || x.due < best.due || (x.due === best.due && x.seq < best.seq)) best = x;
    }
    return best;
  }
  private add(fn: () => void, ms: number, period: number): TimerHandle {
    const timer: Timer = { due: this.current + ms, seq: this.seq++, period, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
}
