import type { Clock, TimerHandle } from '@oort/sdk';
import type { TimeUnit } from '../../sql/ast.js';
import type { EvalRow } from '../tuple.js';
import { alignedWindowEnd } from './align.js';
import { checkSnapshot, snapRow, unsnapRow, type RowSnapshot, type WindowEmit, type WindowOperator, type WindowSnapshot } from './types.js';

/** Go's zero time in epoch ms: "no trigger time yet". */
export const ZERO_TIME = -62135596800000;
/** "No window end known". */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
/** A processing-time tick further than this from its nominal time re-aligns the timer. */
const LATE_TICK_MS = 50;

export interface TimeWindowConfig {
  type: 'tumbling' | 'hopping' | 'sliding' | 'session';
  unit: TimeUnit;
  /** Window length (session: max duration), ms. */
  length: number;
  /** Hopping: hop; session: inactivity timeout; else 0. ms. */
  interval: number;
  /** Sliding delay, ms. */
  delay: number;
  /** The alignment period in units (tumbling/session: length, hopping: hop). */
  rawInterval: number;
  eventTime: boolean;
  clock: Clock;
  emit: WindowEmit;
  /** Sliding `OVER (WHEN ...)`: true when the row triggers a window (and has updated hit state). */
  trigger?: (row: EvalRow) => boolean;
}

/**
 * Tumbling, hopping, sliding and session windows in processing time (timers of the injected
 * clock) and event time (driven by watermarks). One class because the four kinds share
 * eKuiper's scan: which buffered rows fall in `[end - length, end)` (sliding: `[t - length, t]`),
 * which are kept for the next window, and how `window_start` derives from the previous trigger.
 * The quirks of eKuiper's v1 window operator are kept on purpose (see docs/sql/windows.md).
 */
export class TimeWindow implements WindowOperator {
  private inputs: EvalRow[] = [];
  private triggerTime = ZERO_TIME;
  private restored = false;
  private stopped = false;
  // processing time
  private tickTimer?: TimerHandle;
  private nextTime = 0;
  private sessionTimer?: TimerHandle;
  private sessionArmed = false;
  private sessionDue = 0;
  private readonly delayed = new Map<TimerHandle, number>();
  // event time
  private nextWindowEnd = MAX_TIME;
  private prevWindowEnd = ZERO_TIME;
  private lastTicked = false;
  private triggerTS: number[] = [];
  private delayTS: number[] = [];

  private readonly overlap: boolean;
  private readonly timeRelated: boolean;
  /** Period of the processing-time ticker. */
  private readonly period: number;

  constructor(private readonly c: TimeWindowConfig) {
    this.overlap = c.type === 'hopping' || c.type === 'sliding';
    this.timeRelated = c.type === 'sliding' ? c.delay > 0 : true;
    this.period = c.type === 'hopping' ? c.interval : c.length;
  }

  // ------------------------------------------------------------------ processing time

  start(): void {
    if (this.c.eventTime) return;
    const now = this.c.clock.now();
    if (!this.restored) this.triggerTime = now;
    if (this.c.type === 'sliding') {
      const dues = [...this.delayed.values()];
      this.delayed.clear();
      for (const due of dues) this.armDelay(due, Math.max(0, due - now));
      return;
    }
    if (this.c.type === 'session' && this.sessionArmed && this.sessionDue > 0) {
      this.sessionTimer = this.c.clock.setTimeout(() => this.onSessionTimeout(), Math.max(0, this.sessionDue - now));
    }
    if (this.restored && this.nextTime > 0) {
      // continue the restored tick chain: ticks missed while the rule was down fire now, in
      // order, then the next one at its nominal time (eKuiper re-aligns and replays up to
      // now + one period instead, which can fire the current window early)
      for (let n = this.nextTime + this.period; n <= now; n += this.period) {
        this.tick(n);
        this.nextTime = n;
      }
      this.armNext();
      return;
    }
    this.armFirst();
  }

  stop(): void {
    this.stopped = true;
    this.tickTimer?.cancel();
    this.sessionTimer?.cancel();
    for (const h of this.delayed.keys()) h.cancel();
  }

  private armFirst(): void {
    const now = this.c.clock.now();
    const first = alignedWindowEnd(now, this.c.rawInterval, this.c.unit);
    this.tickTimer = this.c.clock.setTimeout(() => {
      if (this.stopped) return;
      this.tick(first);
      this.nextTime = first;
      this.armNext();
    }, Math.max(0, first - now));
  }

  private armNext(): void {
    const due = this.nextTime + this.period;
    this.tickTimer = this.c.clock.setTimeout(() => this.onTick(), Math.max(0, due - this.c.clock.now()));
  }

  private onTick(): void {
    if (this.stopped) return;
    this.nextTime += this.period;
    if (Math.abs(this.c.clock.now() - this.nextTime) < LATE_TICK_MS) {
      this.tick(this.nextTime);
      this.armNext();
    } else {
      this.armFirst();
    }
  }

  private tick(n: number): void {
    if (this.c.type === 'session' && (this.inputs.length === 0 || n - this.inputs[0]!.ts < this.c.length)) return;
    this.scan(n, this.c.length + this.c.delay, true);
  }

  private armDelay(due: number, ms: number): void {
    const h = this.c.clock.setTimeout(() => {
      this.delayed.delete(h);
      if (!this.stopped) this.scan(due, this.c.delay + this.c.length, true);
    }, ms);
    this.delayed.set(h, due);
  }

  private onSessionTimeout(): void {
    if (this.stopped || this.inputs.length === 0) return; // eKuiper keeps the timer "armed" then
    this.scan(this.c.clock.now(), this.c.length + this.c.delay, true);
    this.inputs = [];
    this.sessionArmed = false;
  }

  add(row: EvalRow): void {
    if (this.c.eventTime) {
      if (this.triggerTime === ZERO_TIME) this.triggerTime = row.ts;
      if (this.c.type === 'sliding' && this.matches(row)) this.triggerTS.push(row.ts);
      this.push(row);
      return;
    }
    this.push(row);
    switch (this.c.type) {
      case 'sliding':
        if (this.matches(row)) {
          if (this.c.delay > 0) this.armDelay(row.ts + this.c.delay, this.c.delay);
          else this.scan(row.ts, this.c.length + this.c.delay, true);
        } else {
          this.gc(row.ts + 1);
        }
        break;
      case 'session':
        this.sessionTimer?.cancel();
        this.sessionTimer = this.c.clock.setTimeout(() => this.onSessionTimeout(), this.c.interval);
        this.sessionDue = this.c.clock.now() + this.c.interval;
        if (!this.sessionArmed) {
          this.sessionArmed = true;
          this.triggerTime = row.ts;
        }
        break;
      default:
        break;
    }
  }

  /** Buffers a row (a subclass may keep something else than rows). */
  protected push(row: EvalRow): void {
    this.inputs.push(row);
  }

  private matches(row: EvalRow): boolean {
    return this.c.trigger ? this.c.trigger(row) : true;
  }

  // ------------------------------------------------------------------ event time

  onWatermark(wm: number): void {
    if (!this.c.eventTime) return;
    const { type } = this.c;
    if (type === 'sliding') {
      while (this.delayTS.length && wm >= this.delayTS[0]!) this.scan(this.delayTS.shift()!, this.c.delay, false);
    }
    let end = this.nextWindowEnd;
    let ticked = false;
    if (end === MAX_TIME || type === 'session' || type === 'sliding') {
      if (type === 'session') [end, ticked] = this.nextSession(wm);
      else end = this.nextWindow(this.prevWindowEnd, wm);
    }
    while (end <= wm) {
      if (type === 'session' && !this.lastTicked) this.triggerTime = this.inputs[0]!.ts;
      if (type === 'sliding') {
        while (this.triggerTS.length && this.triggerTS[0]! <= wm) {
          const t = this.triggerTS.shift()!;
          if (this.c.delay > 0) this.delayTS.push(t + this.c.delay);
          else this.scan(t, this.c.length + this.c.delay, true);
        }
      } else {
        this.scan(end, this.c.length + this.c.delay, true);
      }
      const prev = end;
      this.prevWindowEnd = end;
      this.lastTicked = ticked;
      if (type === 'session') [end, ticked] = this.nextSession(wm);
      else end = this.nextWindow(this.prevWindowEnd, wm);
      if (end === prev && type !== 'tumbling' && type !== 'hopping') break; // no progress: wait for the next watermark
    }
    this.nextWindowEnd = end;
  }

  private nextWindow(current: number, wm: number): number {
    if (this.c.type === 'sliding') return this.earliest(current, wm);
    if (current !== ZERO_TIME) return current + this.period;
    const first = this.earliest(current, wm);
    return first === MAX_TIME ? MAX_TIME : alignedWindowEnd(first, this.c.rawInterval, this.c.unit);
  }

  protected earliest(after: number, upTo: number): number {
    let min = MAX_TIME;
    for (const r of this.inputs) if (r.ts > after && r.ts <= upTo && r.ts < min) min = r.ts;
    return min;
  }

  private nextSession(now: number): [number, boolean] {
    if (this.inputs.length === 0) return [MAX_TIME, false];
    const timeout = this.c.interval, duration = this.c.length;
    const et = this.inputs[0]!.ts;
    let tick = alignedWindowEnd(et, this.c.rawInterval, this.c.unit);
    let p = ZERO_TIME;
    let ticked = false;
    for (const t of this.inputs) {
      let r = MAX_TIME;
      if (p !== ZERO_TIME && t.ts - p > timeout) r = p + timeout;
      if (t.ts > tick) {
        if (tick - duration > et && tick < r) {
          r = tick;
          ticked = true;
        }
        tick += duration;
      }
      if (r < MAX_TIME) return [r, ticked];
      p = t.ts;
    }
    if (p !== ZERO_TIME && now - p > timeout) return [p + timeout, ticked];
    return [MAX_TIME, false];
  }

  // ------------------------------------------------------------------ shared scan

  /** Emits the window ending at `end` and keeps the rows later windows still need. */
  private scan(end: number, length: number, firstPart: boolean): void {
    const content = this.collect(end);
    let start: number;
    switch (this.c.type) {
      case 'hopping': start = this.triggerTime - this.c.interval; break;
      case 'sliding': start = end - length; break;
      default: start = this.triggerTime;
    }
    if (start <= 0) start = end - length;
    this.triggerTime = end;
    if (firstPart) this.c.emit(content, start, end);
    else this.c.emit(content, undefined, undefined);
  }

  protected collect(right: number): EvalRow[] {
    const inputs = this.inputs;
    const length = this.c.length + this.c.delay;
    const delta = this.overlap ? this.delta(right) : 0;
    const left = right - length - delta;
    const content: EvalRow[] = [];
    let nextLeft = -1;
    let discarding = true;
    for (let i = 0; i < inputs.length; i++) {
      const ts = inputs[i]!.ts;
      if (this.overlap && discarding && left > ts) continue;
      discarding = false;
      const meet = this.timeRelated ? ts < right : ts <= right;
      if (meet) {
        content.push(inputs[i]!);
        if (nextLeft < 0 && this.overlap) nextLeft = i;
      } else if (nextLeft < 0 && !this.overlap) {
        nextLeft = i;
      }
    }
    this.inputs = nextLeft < 0 ? [] : inputs.slice(nextLeft);
    return content;
  }

  private delta(right: number): number {
    if (this.triggerTime === ZERO_TIME) return 0;
    if (!this.c.eventTime && this.c.interval > 0) return right - this.triggerTime - this.c.interval;
    return 0;
  }

  private gc(triggerTime: number): void {
    const length = this.c.length + this.c.delay;
    let i = 0;
    while (i < this.inputs.length && this.inputs[i]!.ts + length < triggerTime) i++;
    if (i > 0) this.inputs = this.inputs.slice(i);
  }

  // ------------------------------------------------------------------ state

  snapshot(): WindowSnapshot {
    return {
      v: 1,
      kind: 'time',
      inputs: this.inputs.map(snapRow),
      triggerTime: this.triggerTime,
      nextTime: this.nextTime,
      sessionArmed: this.sessionArmed,
      sessionDue: this.sessionDue,
      delayed: [...this.delayed.values()],
      nextWindowEnd: this.nextWindowEnd,
      prevWindowEnd: this.prevWindowEnd,
      lastTicked: this.lastTicked,
      triggerTS: [...this.triggerTS],
      delayTS: [...this.delayTS],
    };
  }

  restore(s: unknown): void {
    const o = checkSnapshot(s, 'time');
    this.inputs = (o.inputs as RowSnapshot[]).map(unsnapRow);
    this.triggerTime = o.triggerTime as number;
    this.nextTime = (o.nextTime as number | undefined) ?? 0;
    this.sessionArmed = o.sessionArmed as boolean; // start() re-arms the inactivity timer
    this.sessionDue = (o.sessionDue as number | undefined) ?? 0;
    this.delayed.clear();
    for (const due of o.delayed as number[]) this.delayed.set({ cancel() {} }, due);
    this.nextWindowEnd = o.nextWindowEnd as number;
    this.prevWindowEnd = o.prevWindowEnd as number;
    this.lastTicked = o.lastTicked as boolean;
    this.triggerTS = [...(o.triggerTS as number[])];
    this.delayTS = [...(o.delayTS as number[])];
    this.restored = true;
  }
}
