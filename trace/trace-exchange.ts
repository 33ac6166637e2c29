import type { Exchange } from '../ndistapi/exchange.js';
import type { TraceRecord } from './trace-record.js';

/** A record read back as the Exchange it was recorded from (time in clock milliseconds); undefined for a remote-party or TAPI-application record. */
export function exchangeOf(r: TraceRecord): Exchange | undefined {
  const time = Number(r.timeNs) / 1e6;
  switch (r.kind) {
    case 'request':
      return { type: 'request', seq: r.seq, time, requestId: r.requestId, kind: r.requestKind ?? 'query', oid: r.code, buffer: r.data };
    case 'return':
    case 'completion':
      return {
        type: r.kind, seq: r.seq, time, requestId: r.requestId, kind: r.requestKind ?? 'query', oid: r.code, status: r.status,
        bytesUsed: r.bytesUsed, bytesNeeded: r.bytesNeeded, buffer: r.data,
      };
    case 'indication':
    case 'indicationReturn':
      return { type: r.kind, seq: r.seq, time, status: r.code, buffer: r.data };
    case 'remote':
    case 'tapi':
    case 'trpRequest':
    case 'trpReply':
    case 'trpEvent':
      return undefined;
  }
}
