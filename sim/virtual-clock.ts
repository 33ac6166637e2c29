import type { SchedulerAction, Subscription } from 'rxjs';
import { ClockAction } from './clock-action.js';
import type { Clock, Timer } from './clock.js';
import { TimerHeap, type HeapTimer } from './timer-heap.js';

class VirtualTimer implements HeapTimer, Timer {
  index = -1;
  constructor(
    private readonly heap: TimerHeap<VirtualTimer>,
    public at: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.heap.remove(this);
  }
}

/**
 * Time that moves only when told: `advance(ms)` runs every timer due in that span in due
 * order (ties in the order they were set), with `now()` at each timer's due time while it
 * runs. Deterministic: the same calls give the same order every run.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual';
  private time = 0;
  private seq = 0;
  private readonly heap = new TimerHeap<VirtualTimer>();

  now(): number {
    return this.time;
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.heap.size;
  }

  /** When the next timer is due, or undefined when none is set. */
  nextDue(): number | undefined {
    return this.heap.peek()?.at;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const t = new VirtualTimer(this.heap, this.time + delay, this.seq++, fn);
    this.heap.push(t);
    return t;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ClockAction<T>(this, work).schedule(state, delay);
  }

  /** Runs the next due timer, moving time to it; false when none is set. */
  step(): boolean {
    const t = this.heap.pop();
    if (t === undefined) return false;
    if (t.at > this.time) this.time = t.at;
    t.fn();
    return true;
  }

  /** Moves time forward by `ms`, running every timer due up to then, including ones they set. */
  advance(ms: number): void {
    const until = this.time + Math.max(0, ms);
    this.advanceTo(until);
  }

  /** Moves time to `at` (never backwards), running every timer due up to then. */
  advanceTo(at: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.at > at) break;
      this.step();
    }
    if (at > this.time) this.time = at;
  }

  /**
   * Runs timers until none is left, moving time as far as they go. Stops after `maxTimers`
   * (a flow that re-arms forever would never end) and returns how many ran.
   */
  runAll(maxTimers = 1_000_000): number {
    let n = 0;
    while (n < maxTimers && this.step()) n++;
    return n;
  }
}
