import { OID_WAN_GET_INFO, NDIS_STATUS_FAILURE, NDIS_STATUS_SUCCESS, PPP_FRAMING, TAPI_PROVIDER, codecFor, isCodecError } from '../../oid/index.js';
import type { SimCore } from '../sim-core.js';
import type { StructAccess } from '../struct-access.js';
import type { OidEntry, RequestContext } from './request-context.js';

/**
 * §0 step 2, §7.1 step 1: NDISWAN's first question. A TAPI-capable miniport sets TAPI_PROVIDER
 * in FramingBits; MaxTransmit is the default send window; one endpoint per line.
 */
function wanGetInfo(core: SimCore, r: RequestContext, a: StructAccess): number {
  const c = core.config;
  const written = codecFor('NDIS_WAN_INFO', c.abi, c.variant).encodeInto(
    {
      MaxFrameSize: c.maxFrameSize,
      MaxTransmit: c.maxTransmit,
      Endpoints: c.lines,
      HighestAcceptableAddress: 0xffff_ffff_ffff_ffffn,
      FramingBits: (PPP_FRAMING | TAPI_PROVIDER) >>> 0,
    },
    r.bytes,
    0,
  );
  if (isCodecError(written)) return NDIS_STATUS_FAILURE;
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

export const WAN_OIDS: readonly OidEntry[] = [{ oid: OID_WAN_GET_INFO, kind: 'query', structure: 'NDIS_WAN_INFO', handler: wanGetInfo }];
