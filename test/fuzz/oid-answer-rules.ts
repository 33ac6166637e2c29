import { NDIS_STATUS_INVALID_LENGTH, NDIS_STATUS_INVALID_OID, NDIS_STATUS_PENDING, NDIS_STATUS_TAPI_OPERATIONUNAVAIL } from '../../oid/index.js';
import { describeRequest, isRequestStatus, type BuiltRequest } from './oid-buffers.js';

/*
 * What every answer to a request must satisfy, whatever its buffer held (design.md, Errors: at
 * the seam failure is an NDIS_STATUS; ndis-tapi.md §3): a named status, PENDING only where a
 * pending policy allows it, INVALID_LENGTH below the structure's size with BytesNeeded beyond
 * the buffer, counts within the buffer. Returns the breach, or undefined.
 */
export function answerBreach(b: BuiltRequest, status: number, bytesUsed: number, bytesNeeded: number, pendingAllowed: boolean): string | undefined {
  const at = (what: string): string => `${what}; request: ${describeRequest(b)}; status 0x${status.toString(16)} used ${bytesUsed} needed ${bytesNeeded}`;
  if (status === NDIS_STATUS_PENDING) return pendingAllowed ? undefined : at('NDIS_STATUS_PENDING without a pending policy');
  if (!isRequestStatus(status)) return at('not an NDIS_STATUS a request may return');
  if (!(Number.isInteger(bytesUsed) && bytesUsed >= 0 && bytesUsed <= b.buffer.length)) return at('bytesUsed outside the buffer');
  if (!(Number.isInteger(bytesNeeded) && bytesNeeded >= 0 && bytesNeeded <= 0xffffffff)) return at('bytesNeeded not a ULONG');
  if (status === NDIS_STATUS_INVALID_LENGTH && !(bytesNeeded > b.buffer.length)) return at('INVALID_LENGTH with bytesNeeded not beyond the buffer');
  if (b.served && b.buffer.length < b.least && status !== NDIS_STATUS_INVALID_LENGTH) return at(`a buffer below the least size ${b.least} not refused with INVALID_LENGTH`);
  if (b.structure === undefined && status !== NDIS_STATUS_INVALID_OID && status !== NDIS_STATUS_TAPI_OPERATIONUNAVAIL) return at('an OID the miniport does not serve answered with neither INVALID_OID nor OPERATIONUNAVAIL');
  if (b.structure !== undefined && !b.served && status !== NDIS_STATUS_INVALID_OID) return at('a served OID asked with the wrong kind not answered INVALID_OID');
  return undefined;
}
