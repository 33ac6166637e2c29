import type { RequestKind } from '../oid/index.js';
import type { Exchange } from './exchange.js';

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
  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, status: number, buffer: Uint8Array): void;
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
