/** The kinds of line events a witness names (the scenario `expect` events of the same names). */
export type EventKind = 'newCall' | 'callState' | 'callInfo' | 'lineDevState' | 'lineUp' | 'lineDown' | 'other';

/**
 * What a scenario must check to see a mismatch again: the status (and BytesNeeded) a request
 * should have completed with, an event that should have come, one that should not have, or
 * whether an offer should have been indicated.
 */
export type Witness =
  | { readonly kind: 'completion'; readonly requestId: number; readonly status: number; readonly bytesNeeded?: number }
  | { readonly kind: 'event'; readonly event: EventKind; readonly htCall: number; readonly state?: number }
  | { readonly kind: 'noEvent'; readonly event: EventKind; readonly htCall: number; readonly state?: number; readonly occurrence: number }
  | { readonly kind: 'offer'; readonly refused: boolean };

/** Where the target left the reference model of the contract. */
export interface Mismatch {
  readonly message: string;
  /** Sequence number of the exchange where it was seen (the last one, for an obligation missed). */
  readonly seq: number;
  readonly time: number;
  readonly witness: Witness | undefined;
}

/** A judgement that failed: what was wrong and how a scenario can show it. */
export interface Fault {
  readonly message: string;
  readonly witness: Witness | undefined;
}
