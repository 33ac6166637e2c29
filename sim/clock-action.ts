import { Subscription, type SchedulerAction } from 'rxjs';
import type { Clock, Timer } from './clock.js';

/**
 * The rxjs SchedulerAction a Clock hands to scheduled work: `this.schedule(state, delay)` from
 * inside the work re-arms the same action (what `interval` and `timer` do), on the same clock.
 */
export class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super(() => this.timer?.cancel());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.timer?.cancel();
    this.timer = this.clock.setTimer(delay, () => {
      this.timer = undefined;
      if (!this.closed) this.work.call(this, state);
    });
    return this;
  }
}
