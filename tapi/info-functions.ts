import {
  LINECALLSELECT_ADDRESS,
  LINECALLSELECT_CALL,
  LINECALLSELECT_LINE,
  LINEERR_INCOMPATIBLEAPIVERSION,
  LINEERR_INCOMPATIBLEEXTVERSION,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALCALLSELECT,
  LINEERR_INVALDEVICECLASS,
  LINEERR_INVALLINEHANDLE,
  LINEERR_OPERATIONFAILED,
  OID_TAPI_GET_ID,
  isCodecError,
} from '../oid/index.js';
import { getIdBuffer } from '../ndistapi/get-id-buffer.js';
import { API_HIGH, API_LOW } from './api-versions.js';
import { lineErr } from './line-errors.js';
import { lineAddressCaps } from './line-address-caps.js';
import { lineCallInfo } from './line-call-info.js';
import { lineCallStatus } from './line-call-status.js';
import { lineDevCaps } from './line-dev-caps.js';
import type { ServerRegistry } from './server-registry.js';
import { varString } from './var-string.js';
import { wholeQuery } from './whole-query.js';

/**
 * The information functions (lineGetCallStatus, lineGetCallInfo, lineGetDevCaps,
 * lineGetAddressCaps, lineGetID): the miniport's NDIS structure, asked in whole (`wholeQuery`),
 * becomes the tapi.h structure the application asked for, with the server's own members over it
 * (docs/tapi.md, "Information"). Any privilege may ask, in any call state (decision 13).
 */
export class InfoFunctions {
  constructor(private readonly reg: ServerRegistry) {}

  /**
   * lineGetCallStatus: LINECALLSTATUS of `totalSize` bytes at most (the application's
   * dwTotalSize), from the miniport's LINE_CALL_STATUS, with the caller's own privilege and, for
   * API 2.0 and later, the time the call entered its state. Monitors may ask. The bytes are
   * dwUsedSize long; LINEERR_STRUCTURETOOSMALL when `totalSize` is below the fixed size of the
   * version the line was opened with.
   */
  async getCallStatus(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    const h = this.reg.owned(hCall, false);
    if (typeof h === 'number') return h;
    const v = await wholeQuery((reserve) => this.reg.client.getCallStatus(h.call.htCall, reserve), (x) => x.LineCallStatus);
    if (typeof v === 'number') return v;
    return lineCallStatus(v.LineCallStatus, h.handle.privilege, h.call.stateSince, h.handle.open.apiVersion, totalSize);
  }

  /**
   * lineGetCallInfo: LINECALLINFO from the miniport's LINE_CALL_INFO, with the server's own
   * members: the caller's hLine, the line's device id, the call id its messages carry, the
   * number of owners and monitors, the media mode and the originating application's name.
   */
  async getCallInfo(hCall: number, totalSize: number): Promise<Uint8Array | number> {
    const h = this.reg.owned(hCall, false);
    if (typeof h === 'number') return h;
    const v = await wholeQuery((reserve) => this.reg.client.getCallInfo(h.call.htCall, reserve), (x) => x.LineCallInfo);
    if (typeof v === 'number') return v;
    const c = h.call;
    return lineCallInfo(
      v.LineCallInfo,
      { hLine: h.handle.open.hLine, deviceId: c.deviceId, callId: c.callId, numOwners: c.owners, numMonitors: c.monitors, mediaMode: c.mediaMode || v.LineCallInfo.ulMediaMode, appName: c.appName },
      h.handle.open.apiVersion,
      totalSize,
    );
  }

  /** The checks lineGetDevCaps and lineGetAddressCaps share: the application, the device, the versions. */
  private capsCheck(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number): number {
    if (!this.reg.apps.has(hLineApp)) return lineErr(LINEERR_INVALAPPHANDLE);
    const bad = this.reg.badDevice(deviceId);
    if (bad !== 0) return bad;
    if (apiVersion < API_LOW || apiVersion > API_HIGH) return lineErr(LINEERR_INCOMPATIBLEAPIVERSION);
    // The server negotiates no extension versions (lineNegotiateExtVersion is not served).
    if (extVersion !== 0) return lineErr(LINEERR_INCOMPATIBLEEXTVERSION);
    return 0;
  }

  /**
   * lineGetDevCaps: LINEDEVCAPS of the version `apiVersion` from the miniport's LINE_DEV_CAPS
   * (OID_TAPI_GET_DEV_CAPS; the line need not be open), its text in UTF-16LE.
   */
  async getDevCaps(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    const bad = this.capsCheck(hLineApp, deviceId, apiVersion, extVersion);
    if (bad !== 0) return bad;
    const v = await wholeQuery((reserve) => this.reg.client.getDevCaps(deviceId, reserve), (x) => x.LineDevCaps);
    if (typeof v === 'number') return v;
    return lineDevCaps(v.LineDevCaps, apiVersion, totalSize);
  }

  /** lineGetAddressCaps: LINEADDRESSCAPS from the miniport's LINE_ADDRESS_CAPS (OID_TAPI_GET_ADDRESS_CAPS). */
  async getAddressCaps(hLineApp: number, deviceId: number, addressId: number, apiVersion: number, extVersion: number, totalSize: number): Promise<Uint8Array | number> {
    const bad = this.capsCheck(hLineApp, deviceId, apiVersion, extVersion);
    if (bad !== 0) return bad;
    const v = await wholeQuery((reserve) => this.reg.client.getAddressCaps(deviceId, addressId, reserve, extVersion), (x) => x.LineAddressCaps);
    if (typeof v === 'number') return v;
    return lineAddressCaps(v.LineAddressCaps, apiVersion, totalSize);
  }

  /**
   * lineGetID: the device id of a line (LINECALLSELECT_LINE), an address (ADDRESS) or a call
   * (CALL) for a device class, as a VARSTRING, from the miniport's OID_TAPI_GET_ID ("tapi/line"
   * gives the line's device id, "ndis" a call's NdisLinkContext). The handle the selection names
   * must be the caller's own.
   */
  async getId(hLine: number, addressId: number, hCall: number, select: number, deviceClass: string, totalSize: number): Promise<Uint8Array | number> {
    let target: { readonly ulSelect: number; readonly hdLine?: number; readonly ulAddressID?: number; readonly hdCall?: number };
    if (select === LINECALLSELECT_LINE || select === LINECALLSELECT_ADDRESS) {
      const open = this.reg.opens.get(hLine);
      if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
      const hdLine = this.reg.client.hdLine(this.reg.shim.htLineFor(open.deviceId));
      target = select === LINECALLSELECT_LINE ? { ulSelect: select, hdLine } : { ulSelect: select, hdLine, ulAddressID: addressId };
    } else if (select === LINECALLSELECT_CALL) {
      const h = this.reg.owned(hCall, false);
      if (typeof h === 'number') return h;
      target = { ulSelect: select, hdCall: this.reg.client.hdCall(h.call.htCall) };
    } else {
      return lineErr(LINEERR_INVALCALLSELECT);
    }
    if (deviceClass === '') return lineErr(LINEERR_INVALDEVICECLASS);
    const m = this.reg.shim.miniport;
    const v = await wholeQuery((reserve) => {
      const buffer = getIdBuffer(m.abi, m.variant, target, deviceClass, reserve);
      return isCodecError(buffer) ? Promise.reject(buffer) : this.reg.client.sendBytes(OID_TAPI_GET_ID, 'NDIS_TAPI_GET_ID', buffer);
    }, (x) => x.DeviceID).catch(() => lineErr(LINEERR_OPERATIONFAILED));
    if (typeof v === 'number') return v;
    return varString(v.DeviceID, totalSize);
  }
}
