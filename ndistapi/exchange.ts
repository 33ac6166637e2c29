import type { RequestKind } from '../oid/index.js';
import type { Completion } from '../miniport/miniport.js';

/**
 * One thing that crossed the Miniport seam, as the verifier and the recorder see it, in order.
 * `buffer` is the live information or status buffer: valid only while observers run
 * (synchronously), so an observer that keeps it copies it. An indication is seen before
 * NDISTAPI or NDISWAN writes anything back into it.
 */
export type Exchange =
  /** NDISTAPI hands a request to the miniport. */
  | { readonly type: 'request'; readonly seq: number; readonly time: number; readonly requestId: number; readonly kind: RequestKind; readonly oid: number; readonly buffer: Uint8Array }
  /** The miniport's return from MiniportQuery/SetInformation (PENDING or final). */
  | ({ readonly type: 'return' } & RequestOutcome)
  /** NdisM{Query,Set}InformationComplete for a pended request. */
  | ({ readonly type: 'completion' } & RequestOutcome)
  /** NdisMIndicateStatus, as the miniport built the buffer. */
  | { readonly type: 'indication'; readonly seq: number; readonly time: number; readonly status: number; readonly buffer: Uint8Array }
  /**
   * The same buffer as NdisMIndicateStatus returns to the miniport, after NDISTAPI and NDISWAN
   * wrote into it (htCall into ulParam2 of LINE_NEWCALL, NdisLinkContext into a line-up).
   */
  | { readonly type: 'indicationReturn'; readonly seq: number; readonly time: number; readonly status: number; readonly buffer: Uint8Array };

/** A return or completion as it crossed the seam: the Completion's parts, when, and the buffer. */
export interface RequestOutcome extends Completion {
  readonly seq: number;
  readonly time: number;
  readonly buffer: Uint8Array;
}
