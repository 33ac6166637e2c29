import { performance } from 'node:perf_hooks';
import type { SchedulerAction, Subscription } from 'rxjs';
import { ClockAction } from './clock-action.js';
import type { Clock, Timer } from './clock.js';

/** Wall-clock time, for hardware rigs: timers are Node timers. */
export class RealClock implements Clock {
  readonly kind = 'real';
  private readonly start = performance.now();

  now(): number {
    return performance.now() - this.start;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const delay = Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0;
    const handle = setTimeout(fn, delay);
    return { cancel: () => clearTimeout(handle) };
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ClockAction<T>(this, work).schedule(state, delay);
  }
}
