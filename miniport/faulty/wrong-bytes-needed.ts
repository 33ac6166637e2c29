import { NDIS_STATUS_INVALID_LENGTH, type RequestKind } from '../../oid/index.js';
import type { ByteCounts } from '../miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Rejects a short buffer with NDIS_STATUS_INVALID_LENGTH but says it needs the bytes it was
 * given, not the size of the structure (BytesNeeded, ndis-tapi.md §6 and §9), so the caller can
 * never retry with a buffer that is long enough.
 */
export class WrongBytesNeeded extends FaultyMiniport {
  override request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    const status = super.request(requestId, kind, oid, buffer, counts);
    if (status === NDIS_STATUS_INVALID_LENGTH) counts.bytesNeeded = buffer.length;
    return status;
  }
}
