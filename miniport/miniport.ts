import type { Observable } from 'rxjs';
import type { Abi, LayoutVariant, RequestKind } from '../oid/index.js';

/**
 * What NDIS's PULONG BytesWritten/BytesRead and BytesNeeded carry back from a request:
 * the caller passes one in, the miniport fills it before returning (or before completing a
 * pended request). Reusing one object keeps the hot path free of allocation.
 */
export interface ByteCounts {
  /** Bytes written (query) or read (set) from the information buffer. */
  bytesUsed: number;
  /** Bytes the buffer should have held, when it was too short (NDIS_STATUS_INVALID_LENGTH). */
  bytesNeeded: number;
}

/** The completion of a request the miniport answered with NDIS_STATUS_PENDING. */
export interface Completion {
  /** The id the caller gave the request. */
  readonly requestId: number;
  readonly kind: RequestKind;
  readonly oid: number;
  /** The final status: never NDIS_STATUS_PENDING. */
  readonly status: number;
  readonly bytesUsed: number;
  readonly bytesNeeded: number;
}

/**
 * A status indication (NdisMIndicateStatus): NDIS_STATUS_TAPI_INDICATION with an
 * NDIS_TAPI_EVENT, NDIS_STATUS_WAN_LINE_UP with an NDIS_MAC_LINE_UP, NDIS_STATUS_WAN_LINE_DOWN
 * with an NDIS_MAC_LINE_DOWN. Like NDIS's StatusBuffer, `buffer` belongs to the miniport and is
 * valid only while observers run, synchronously: an observer that keeps it must copy it. An
 * observer may write into it where Windows does (htCall into ulParam2 of LINE_NEWCALL,
 * NdisLinkContext into NDIS_MAC_LINE_UP); the miniport reads the buffer back after delivery.
 */
export interface StatusIndication {
  readonly status: number;
  readonly buffer: Uint8Array;
}

/**
 * A direct, allocation-free receiver of what a miniport raises, for the layer right above it
 * (NdisTapi): the same indications and completions as the Observables, in the same order.
 */
export interface MiniportSink {
  /** NdisMIndicateStatus; the same rules for `buffer` as StatusIndication's. */
  indicate(status: number, buffer: Uint8Array): void;
  complete(completion: Completion): void;
}

/**
 * The seam: what NDIS carries between NDISTAPI/NDISWAN and a WAN miniport, as bytes in the
 * Windows layout of `abi`. Implemented by the simulated miniport, the FFI bridge to real
 * hardware and the trace replayer; everything above works unchanged whichever is below.
 */
export interface Miniport {
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  /**
   * MiniportQueryInformation / MiniportSetInformation. Returns the NDIS_STATUS and fills
   * `counts`; a query writes its OUT members into `buffer`. NDIS_STATUS_PENDING means the
   * miniport keeps the buffer and later emits exactly one Completion with `requestId` on
   * `completions$` (and fills the buffer before it). Never throws: bad input is a status.
   */
  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number;
  /** NdisMIndicateStatus, delivered synchronously. */
  readonly indications$: Observable<StatusIndication>;
  /** NdisMQueryInformationComplete / NdisMSetInformationComplete for pended requests. */
  readonly completions$: Observable<Completion>;
  /**
   * Optional fast path: delivers indications and completions straight to one sink, besides the
   * Observables. Returns the detach. An implementation without it is used through the Observables.
   */
  attach?(sink: MiniportSink): () => void;
}
