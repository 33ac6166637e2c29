import {
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_OPERATIONUNAVAIL,
  OID_TAPI_DEV_SPECIFIC,
  WANEMU_BLIND_TRANSFER,
  WANEMU_REDIRECT,
  WANEMU_TRANSFER_TAG,
} from '../../oid/index.js';
import type { SimCore } from '../sim-core.js';
import type { StructAccess } from '../struct-access.js';
import type { OidEntry, RequestContext } from './request-context.js';


/**
 * OID_TAPI_DEV_SPECIFIC (ndis-tapi.md §6.16) carrying wanemu's call transfer (docs/dev-specific.md):
 * Params holds the tag, the operation and the destination (ASCIIZ). NDISTAPI has no OID for
 * lineBlindTransfer or lineRedirect, so a WAN miniport exposes such supplementary services this
 * way. The call goes IDLE (line-down first if its link is up). Anything else in Params is not
 * this miniport's: NDIS_STATUS_TAPI_OPERATIONUNAVAIL. Statuses are from the OID's documented list.
 */
function devSpecific(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if (a.get(r.dv, 0, 'ulAddressID') >= core.config.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
  const at = a.offset('Params');
  const size = a.get(r.dv, 0, 'ulParamsSize');
  if (at + size > r.bytes.length) return r.tooShort(at + size);
  if (size < 8 || r.dv.getUint32(at, true) !== WANEMU_TRANSFER_TAG) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
  const op = r.dv.getUint32(at + 4, true);
  if (op !== WANEMU_BLIND_TRANSFER && op !== WANEMU_REDIRECT) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
  const destination = r.stringAt(at, 8, size - 8);
  const call = core.calls.get(a.get(r.dv, 0, 'hdCall'));
  if (call === undefined || call.line !== line || destination === undefined || destination === '') return NDIS_STATUS_FAILURE;
  if (!core.move(call, op === WANEMU_BLIND_TRANSFER ? 'transfer' : 'redirect')) return NDIS_STATUS_FAILURE;
  call.calledId = destination;
  a.set(r.dv, 0, 'ulParamsSize', 0);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

export const DEV_SPECIFIC_OID: OidEntry = { oid: OID_TAPI_DEV_SPECIFIC, kind: 'query', structure: 'NDIS_TAPI_DEV_SPECIFIC', handler: devSpecific };
