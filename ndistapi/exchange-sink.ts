import type { RequestKind } from '../oid/index.js';
import type { Exchange } from './exchange.js';

/** An NDIS_TAPI_EVENT's members as read from an indication's buffer (before anyone above wrote to it). */
export interface TapiEventRead {
  readonly htLine: number;
  readonly htCall: number;
  readonly msg: number;
  readonly p1: number;
  readonly p2: number;
  readonly p3: number;
}

/**
 * The allocation-free way to see every exchange: NdisTapi calls each attached sink
 * synchronously, in order, with the exchange's parts as arguments. The buffer is live (valid
 * only during the call), as for `exchanges$`. The verifier and the recorder are sinks.
 */
export interface ExchangeSink {
  onRequest(seq: number, time: number, requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void;
  onOutcome(
    type: 'return' | 'completion',
    seq: number,
    time: number,
    requestId: number,
    kind: RequestKind,
    oid: number,
    status: number,
    bytesUsed: number,
    bytesNeeded: number,
    buffer: Uint8Array,
  ): void;
  /**
   * `event`, on an NDIS_STATUS_TAPI_INDICATION's indication, is its NDIS_TAPI_EVENT as the source
   * already read it from `buffer` (so a sink need not read it again), valid only during the call;
   * undefined for other exchanges, for a buffer too short to hold one, and from sources that
   * do not read it (a trace).
   */
  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, status: number, buffer: Uint8Array, event?: TapiEventRead): void;
}

/** Something sinks attach to (NdisTapi); the returned function detaches. */
export interface ExchangeSource {
  attach(sink: ExchangeSink): () => void;
}

/** Hands one Exchange object to a sink (for exchange streams: tests, traces read back). */
export function feed(sink: ExchangeSink, x: Exchange): void {
  switch (x.type) {
    case 'request':
      sink.onRequest(x.seq, x.time, x.requestId, x.kind, x.oid, x.buffer);
      return;
    case 'return':
    case 'completion':
      sink.onOutcome(x.type, x.seq, x.time, x.requestId, x.kind, x.oid, x.status, x.bytesUsed, x.bytesNeeded, x.buffer);
      return;
    case 'indication':
    case 'indicationReturn':
      sink.onIndication(x.type, x.seq, x.time, x.status, x.buffer);
  }
}
