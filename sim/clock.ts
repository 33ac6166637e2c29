import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/** A timer set on a clock; cancel it to stop it firing (a no-op once it has fired). */
export interface Timer {
  cancel(): void;
}

/**
 * All time in wanemu goes through one Clock: the virtual one makes an hour of call flow run
 * in milliseconds, the same way every run; the real one serves hardware rigs. A Clock is an
 * rxjs scheduler too, so rxjs time operators (`delay`, `timeout`, `interval`) share it.
 * Times are milliseconds.
 */
export interface Clock extends SchedulerLike {
  readonly kind: 'virtual' | 'real';
  /** Milliseconds since the clock started. */
  now(): number;
  /** Calls `fn` once, `delayMs` from now (0 or less: at the next turn of the clock). */
  setTimer(delayMs: number, fn: () => void): Timer;
  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay: number, state: T): Subscription;
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay: number, state?: T): Subscription;
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription;
}
