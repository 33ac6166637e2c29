import {
  LINECALLSELECT_ADDRESS,
  LINECALLSELECT_CALL,
  LINECALLSELECT_LINE,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_NODEVICE,
  OID_TAPI_GET_ID,
  STRINGFORMAT_BINARY,
  pointerSize,
} from '../../oid/index.js';
import type { SimCore } from '../sim-core.js';
import type { SimLine } from '../sim-call.js';
import type { StructAccess } from '../struct-access.js';
import { writeScalar } from '../struct-access.js';
import { fillVarStruct } from '../var-struct-writer.js';
import type { OidEntry, RequestContext } from './request-context.js';

/**
 * §6.8: the two forms every WAN miniport supports: "tapi/line" for a line (or an address, or a
 * call's line) gives the line's device id; "ndis" for a call gives the NdisLinkContext NDISWAN
 * wrote back into the call's line-up, which therefore must have happened. The id is binary
 * data after the VAR_STRING header. Class names compare case-insensitively.
 */
function getId(core: SimCore, r: RequestContext, a: StructAccess): number {
  const classSize = a.get(r.dv, 0, 'ulDeviceClassSize');
  const classOffset = a.get(r.dv, 0, 'ulDeviceClassOffset');
  const deviceClass = r.stringAt(0, classOffset, classSize);
  if (deviceClass === undefined) return r.tooShort(classOffset + classSize);
  const wanted = deviceClass.toLowerCase();
  const select = a.get(r.dv, 0, 'ulSelect');
  let line: SimLine | undefined;
  let id: { value: number; size: number } | undefined;
  switch (select) {
    case LINECALLSELECT_LINE:
    case LINECALLSELECT_ADDRESS: {
      line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
      if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
      if (select === LINECALLSELECT_ADDRESS && a.get(r.dv, 0, 'ulAddressID') >= core.config.addressesPerLine) {
        return NDIS_STATUS_TAPI_INVALADDRESSID;
      }
      if (wanted !== 'tapi/line') return NDIS_STATUS_TAPI_NODEVICE;
      break;
    }
    case LINECALLSELECT_CALL: {
      const call = core.calls.get(a.get(r.dv, 0, 'hdCall'));
      if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
      line = call.line;
      if (wanted === 'ndis') {
        // No data link before the call connects; §6.8 has no state code, so a plain failure.
        if (!call.linkUp) return NDIS_STATUS_FAILURE;
        id = { value: call.linkContext, size: pointerSize(core.config.abi) };
      } else if (wanted !== 'tapi/line') {
        return NDIS_STATUS_TAPI_NODEVICE;
      }
      break;
    }
    default:
      return NDIS_STATUS_FAILURE;
  }
  id ??= { value: core.deviceIdBase + line.index, size: 4 };
  const data = new Uint8Array(id.size);
  writeScalar(new DataView(data.buffer), 0, id.size, id.value);
  const c = core.config;
  return fillVarStruct(r, 'VAR_STRING', c.abi, c.variant, a.offset('DeviceID'), { ulStringFormat: STRINGFORMAT_BINARY, String: data });
}

export const GET_ID_OID: OidEntry = { oid: OID_TAPI_GET_ID, kind: 'query', structure: 'NDIS_TAPI_GET_ID', handler: getId };
