/** Latencies on the clock in use, summarized as SIPp does: percentiles and the extremes. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1]! };
}

/** What a run counted, for the summary, `--json` and `--fail-on`. */
export interface RunStats {
  /** Offers the remote party made, and how many were indicated. */
  readonly callsOffered: number;
  readonly callsIndicated: number;
  /** Offers the miniport did not indicate, by reason. */
  readonly offersRefused: Readonly<Record<string, number>>;
  /** Incoming calls that reached CONNECTED. */
  readonly callsAnswered: number;
  /** Outgoing calls MAKE_CALL placed, and how many reached CONNECTED. */
  readonly callsPlaced: number;
  readonly callsConnected: number;
  /** Calls that ended without connecting, by cause (BUSY, a LINEDISCONNECTMODE_* name, NOT_ANSWERED). */
  readonly callsFailed: Readonly<Record<string, number>>;
  readonly requests: number;
  /** Requests that did not end in NDIS_STATUS_SUCCESS, by status name. */
  readonly requestsFailed: Readonly<Record<string, number>>;
  /** Verifier violations by rule id. */
  readonly violations: Readonly<Record<string, number>>;
  /** From a request to its final status. */
  readonly requestLatency: LatencySummary;
  /** From the offer (or MAKE_CALL) to CONNECTED. */
  readonly setupLatency: LatencySummary;
  /** Clock milliseconds the run took. */
  readonly elapsedMs: number;
}

/** Counts as they accumulate during a run. */
export class StatsCollector {
  callsOffered = 0;
  callsIndicated = 0;
  readonly offersRefused: Record<string, number> = {};
  callsAnswered = 0;
  callsPlaced = 0;
  callsConnected = 0;
  readonly callsFailed: Record<string, number> = {};
  requests = 0;
  readonly requestsFailed: Record<string, number> = {};
  readonly violations: Record<string, number> = {};
  readonly requestTimes: number[] = [];
  readonly setupTimes: number[] = [];

  static bump(r: Record<string, number>, k: string): void {
    r[k] = (r[k] ?? 0) + 1;
  }

  finish(elapsedMs: number): RunStats {
    return {
      callsOffered: this.callsOffered,
      callsIndicated: this.callsIndicated,
      offersRefused: { ...this.offersRefused },
      callsAnswered: this.callsAnswered,
      callsPlaced: this.callsPlaced,
      callsConnected: this.callsConnected,
      callsFailed: { ...this.callsFailed },
      requests: this.requests,
      requestsFailed: { ...this.requestsFailed },
      violations: { ...this.violations },
      requestLatency: summarize(this.requestTimes),
      setupLatency: summarize(this.setupTimes),
      elapsedMs,
    };
  }
}
