import { LINECALLSTATE_CONNECTED, LINECALLSTATE_DISCONNECTED, LINECALLSTATE_IDLE } from '../../oid/index.js';
import type { ScriptableMiniport } from '../../miniport/scriptable-miniport.js';
import type { LineEvent } from '../../ndistapi/line-event.js';
import type { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import type { Clock, Timer } from '../clock.js';

/** One call of the load: what the answering side does with each offered call. */
export interface LoadCall {
  readonly line: number;
  readonly mediaMode: number;
  /** ACCEPT before ANSWER. */
  readonly accept: boolean;
  readonly answerAfterMs: number;
  /** How long a call stays connected. */
  readonly holdMs: number;
  /** Who ends the call: the far end hangs up, or NDISTAPI drops it. */
  readonly hangUp: 'remote' | 'local';
}

export interface LoadSpec {
  /** Calls offered per second of clock time. */
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Offers beyond this many live calls are not made (counted as `capped`). */
  readonly maxConcurrent: number;
  readonly call: LoadCall;
}

export interface LoadOutcome {
  readonly offered: number;
  readonly capped: number;
  /** Calls that went through their whole flow and were closed. */
  readonly completed: number;
  /** Calls still open when the load gave up waiting for them. */
  readonly unfinished: number;
  /** Most calls live at once. */
  readonly peakConcurrent: number;
}

interface LiveCall {
  readonly htCall: number;
  timer: Timer | undefined;
  closing: boolean;
}

/**
 * Call-rate load, like SIPp's: the far end offers calls at a steady rate on the clock for a
 * while, at most `maxConcurrent` at once, and each call runs the same flow: (ACCEPT,) ANSWER
 * after a delay, stay connected, then the far end hangs up or NDISTAPI drops it, and
 * CLOSE_CALL. Everything goes through NdisTapi, so the verifier checks every call.
 */
export class LoadGenerator {
  private readonly live = new Map<number, LiveCall>();
  private offered = 0;
  private capped = 0;
  private completed = 0;
  private peak = 0;
  private offering = true;

  constructor(
    private readonly clock: Clock,
    private readonly miniport: ScriptableMiniport,
    private readonly shim: NdisTapi,
    private readonly client: NdisTapiClient,
  ) {}

  /** Starts the load; `done()` turns true once offering has ended and every call is closed. */
  start(spec: LoadSpec): { done: () => boolean; outcome: () => LoadOutcome; stop: () => void } {
    const interval = 1000 / spec.ratePerSecond;
    const end = this.clock.now() + spec.durationMs;
    const sub = this.shim.events$.subscribe((e) => this.onEvent(e, spec.call));
    let next = this.clock.now();
    let tick: Timer | undefined;
    const offerNext = (): void => {
      tick = undefined;
      if (this.clock.now() >= end) {
        this.offering = false;
        return;
      }
      if (this.live.size >= spec.maxConcurrent) {
        this.capped++;
      } else {
        this.offered++;
        this.miniport.remote.offer({ line: spec.call.line, mediaMode: spec.call.mediaMode, callerId: String(5550000 + (this.offered % 10000)) });
      }
      next += interval;
      tick = this.clock.setTimer(next - this.clock.now(), offerNext);
    };
    offerNext();
    const stop = (): void => {
      tick?.cancel();
      sub.unsubscribe();
      for (const c of this.live.values()) c.timer?.cancel();
    };
    return {
      done: () => {
        const d = !this.offering && this.live.size === 0;
        if (d) stop();
        return d;
      },
      outcome: () => ({ offered: this.offered, capped: this.capped, completed: this.completed, unfinished: this.live.size, peakConcurrent: this.peak }),
      stop,
    };
  }

  private onEvent(e: LineEvent, flow: LoadCall): void {
    if (e.type === 'newCall') {
      const call: LiveCall = { htCall: e.htCall, timer: undefined, closing: false };
      this.live.set(e.htCall, call);
      this.peak = Math.max(this.peak, this.live.size);
      call.timer = this.clock.setTimer(flow.answerAfterMs, () => {
        call.timer = undefined;
        if (flow.accept) void this.client.accept(e.htCall);
        void this.client.answer(e.htCall);
      });
      return;
    }
    if (e.type !== 'callState') return;
    const call = this.live.get(e.htCall);
    if (call === undefined) return;
    if (e.state === LINECALLSTATE_CONNECTED) {
      call.timer = this.clock.setTimer(flow.holdMs, () => {
        call.timer = undefined;
        if (flow.hangUp === 'remote') this.miniport.remote.hangUp(this.client.hdCall(e.htCall));
        else void this.client.drop(e.htCall);
      });
    } else if ((e.state === LINECALLSTATE_DISCONNECTED || e.state === LINECALLSTATE_IDLE) && !call.closing) {
      call.closing = true;
      call.timer?.cancel();
      void this.client.closeCall(e.htCall).then(() => {
        this.live.delete(e.htCall);
        this.completed++;
      });
    }
  }
}

/** "500/s", "30/min" or a number (per second). */
export function parseRate(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|min|m)\s*$/.exec(v);
  if (m === null) return undefined;
  const n = Number(m[1]);
  if (!(n > 0)) return undefined;
  return m[2] === 'min' || m[2] === 'm' ? n / 60 : n;
}

/** "60s", "500ms", "2min" or a number of milliseconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)\s*$/.exec(v);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}
