import type { Clock, TimerHandle } from '@oort/sdk';

/** A clock that moves only when a test calls `advance`: source tests without sleeping. */
export class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; every: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, 0);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, ms);
  }

  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: (typeof this.timers)[number] | undefined;
      for (const x of this.timers) if (x.live && x.at <= end && (!next || x.at < next.at)) next = x;
      if (!next) break;
      this.t = next.at;
      if (next.every > 0) next.at += next.every;
      else next.live = false;
      next.fn();
    }
    this.t = end;
    this.timers = this.timers.filter((x) => x.live);
  }

  get pending(): number {
    return this.timers.filter((x) => x.live).length;
  }

  private add(fn: () => void, ms: number, every: number): TimerHandle {
    const timer = { at: this.t + ms, every, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
}
