import {
  LINEADDRCAPFLAGS_DIALED,
  LINEADDRCAPFLAGS_SECURE,
  LINEADDRESSMODE_ADDRESSID,
  LINEADDRESSMODE_DIALABLEADDR,
  LINEADDRESSSHARING_PRIVATE,
  LINEADDRFEATURE_MAKECALL,
  LINEANSWERMODE_NONE,
  LINEBUSYMODE_STATION,
  LINECALLFEATURE_ACCEPT,
  LINECALLFEATURE_ANSWER,
  LINECALLFEATURE_DIAL,
  LINECALLFEATURE_DROP,
  LINECALLFEATURE_SECURECALL,
  LINECALLINFOSTATE_APPSPECIFIC,
  LINECALLINFOSTATE_MEDIAMODE,
  LINECALLORIGIN_INBOUND,
  LINECALLORIGIN_OUTBOUND,
  LINECALLPARAMFLAGS_SECURE,
  LINECALLPARTYID_ADDRESS,
  LINECALLPARTYID_UNKNOWN,
  LINECALLPRIVILEGE_OWNER,
  LINECALLREASON_DIRECT,
  LINECALLREASON_UNAVAIL,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEDEVCAPFLAGS_CLOSEDROP,
  LINEDEVSTATUSFLAGS_CONNECTED,
  LINEDEVSTATUSFLAGS_INSERVICE,
  LINEDIALTONEMODE_NORMAL,
  LINEDISCONNECTMODE_BUSY,
  LINEDISCONNECTMODE_NOANSWER,
  LINEDISCONNECTMODE_NORMAL,
  LINEDISCONNECTMODE_REJECT,
  LINEDISCONNECTMODE_UNKNOWN,
  LINEDISCONNECTMODE_UNREACHABLE,
  LINEFEATURE_MAKECALL,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INVALADDRESS,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_NODRIVER,
  NDIS_STATUS_FAILURE,
  OID_TAPI_GET_ADDRESS_CAPS,
  OID_TAPI_GET_ADDRESS_ID,
  OID_TAPI_GET_ADDRESS_STATUS,
  OID_TAPI_GET_CALL_ADDRESS_ID,
  OID_TAPI_GET_CALL_INFO,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_GET_DEV_CAPS,
  OID_TAPI_GET_LINE_DEV_STATUS,
  STRINGFORMAT_ASCII,
  asciiz,
} from '../../oid/index.js';
import { SIMULATED_CALL_STATES } from '../call-state-table.js';
import type { SimCall } from '../sim-call.js';
import type { SimCore } from '../sim-core.js';
import type { StructAccess } from '../struct-access.js';
import { fillVarStruct } from '../var-struct-writer.js';
import { SUPPORTED_ADDRESS_STATES, SUPPORTED_LINE_STATES } from './line-oids.js';
import { callOf, type OidEntry, type RequestContext } from './request-context.js';

const DISCONNECT_MODES =
  LINEDISCONNECTMODE_NORMAL | LINEDISCONNECTMODE_UNKNOWN | LINEDISCONNECTMODE_REJECT | LINEDISCONNECTMODE_BUSY |
  LINEDISCONNECTMODE_NOANSWER | LINEDISCONNECTMODE_UNREACHABLE;

const CALL_FEATURES = LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;

/** What an application may do with a call in each state (LINE_CALL_STATUS.ulCallFeatures). */
function callFeatures(call: SimCall): number {
  switch (call.state) {
    case LINECALLSTATE_IDLE:
      return 0;
    case LINECALLSTATE_OFFERING:
      return LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    case LINECALLSTATE_ACCEPTED:
      return LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    case LINECALLSTATE_DIALTONE:
      return LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    default:
      return LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
  }
}

/** §6.15: LINE_DEV_CAPS, provider info "MediaName\0ProviderName\0" and the line name as variable data. */
function getDevCaps(core: SimCore, r: RequestContext, a: StructAccess): number {
  const deviceId = a.get(r.dv, 0, 'ulDeviceID');
  const line = core.lineByDeviceId(deviceId);
  if (line === undefined) return NDIS_STATUS_TAPI_NODRIVER;
  const c = core.config;
  return fillVarStruct(r, 'LINE_DEV_CAPS', c.abi, c.variant, a.offset('LineDevCaps'), {
    ProviderInfo: asciiz(c.providerInfo.replace(/\0$/, '')),
    LineName: asciiz(`${c.lineName}${line.index}`),
    ulPermanentLineID: line.index,
    ulStringFormat: STRINGFORMAT_ASCII,
    ulAddressModes: LINEADDRESSMODE_ADDRESSID,
    ulNumAddresses: c.addressesPerLine,
    ulBearerModes: c.bearerModes,
    ulMaxRate: c.maxRate,
    ulMediaModes: c.mediaModes,
    ulDevCapFlags: LINEDEVCAPFLAGS_CLOSEDROP,
    ulMaxNumActiveCalls: c.addressesPerLine * c.callsPerAddress,
    ulAnswerMode: LINEANSWERMODE_NONE,
    ulRingModes: 1,
    ulLineStates: SUPPORTED_LINE_STATES,
  });
}

/** §6.16: LINE_ADDRESS_CAPS for one address of a line. */
function getAddressCaps(core: SimCore, r: RequestContext, a: StructAccess): number {
  const deviceId = a.get(r.dv, 0, 'ulDeviceID');
  const line = core.lineByDeviceId(deviceId);
  if (line === undefined) return NDIS_STATUS_TAPI_NODRIVER;
  const addressId = a.get(r.dv, 0, 'ulAddressID');
  const c = core.config;
  if (addressId >= c.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
  return fillVarStruct(r, 'LINE_ADDRESS_CAPS', c.abi, c.variant, a.offset('LineAddressCaps'), {
    ulLineDeviceID: deviceId,
    Address: asciiz(addressName(line.index, addressId)),
    ulAddressSharing: LINEADDRESSSHARING_PRIVATE,
    ulAddressStates: SUPPORTED_ADDRESS_STATES,
    ulCallInfoStates: LINECALLINFOSTATE_APPSPECIFIC | LINECALLINFOSTATE_MEDIAMODE,
    ulCallerIDFlags: LINECALLPARTYID_ADDRESS | LINECALLPARTYID_UNKNOWN,
    ulCalledIDFlags: LINECALLPARTYID_ADDRESS | LINECALLPARTYID_UNKNOWN,
    ulCallStates: SIMULATED_CALL_STATES,
    ulDialToneModes: LINEDIALTONEMODE_NORMAL,
    ulBusyModes: LINEBUSYMODE_STATION,
    ulDisconnectModes: DISCONNECT_MODES,
    ulMaxNumActiveCalls: c.callsPerAddress,
    ulAddrCapFlags: LINEADDRCAPFLAGS_DIALED | LINEADDRCAPFLAGS_SECURE,
    ulCallFeatures: CALL_FEATURES,
  });
}

/** §6.13: LINE_CALL_INFO with caller and called ids as variable data. */
function getCallInfo(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  const c = core.config;
  const party = (id: string) => (id === '' ? LINECALLPARTYID_UNKNOWN : LINECALLPARTYID_ADDRESS);
  return fillVarStruct(r, 'LINE_CALL_INFO', c.abi, c.variant, a.offset('LineCallInfo'), {
    ulLineDeviceID: core.deviceIdBase + call.line.index,
    ulAddressID: call.addressId,
    ulBearerMode: call.bearerMode,
    ulRate: call.rate,
    ulMediaMode: call.mediaMode,
    ulAppSpecific: call.appSpecific,
    ulCallID: call.callId,
    ulCallParamFlags: call.secure ? LINECALLPARAMFLAGS_SECURE : 0,
    ulCallStates: SIMULATED_CALL_STATES,
    ulOrigin: call.inbound ? LINECALLORIGIN_INBOUND : LINECALLORIGIN_OUTBOUND,
    ulReason: call.inbound ? LINECALLREASON_DIRECT : LINECALLREASON_UNAVAIL,
    ulCallerIDFlags: party(call.callerId),
    ulCalledIDFlags: party(call.calledId),
    ...(call.callerId === '' ? {} : { CallerID: asciiz(call.callerId) }),
    ...(call.calledId === '' ? {} : { CalledID: asciiz(call.calledId) }),
  });
}

/** §6.14: LINE_CALL_STATUS: the state, its mode and what can be done now. */
function getCallStatus(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  const c = core.config;
  return fillVarStruct(r, 'LINE_CALL_STATUS', c.abi, c.variant, a.offset('LineCallStatus'), {
    ulCallState: call.state,
    ulCallStateMode: call.stateMode,
    ulCallPrivilege: LINECALLPRIVILEGE_OWNER,
    ulCallFeatures: callFeatures(call),
  });
}

/** §6.16: LINE_ADDRESS_STATUS: calls in use on one address. */
function getAddressStatus(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const addressId = a.get(r.dv, 0, 'ulAddressID');
  const c = core.config;
  if (addressId >= c.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
  const active = core.busyCalls(line, addressId);
  return fillVarStruct(r, 'LINE_ADDRESS_STATUS', c.abi, c.variant, a.offset('LineAddressStatus'), {
    ulNumInUse: active > 0 ? 1 : 0,
    ulNumActiveCalls: active,
    ulAddressFeatures: active < c.callsPerAddress ? LINEADDRFEATURE_MAKECALL : 0,
  });
}

/** §6.16: LINE_DEV_STATUS: open media modes, active calls, in service. */
function getLineDevStatus(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const c = core.config;
  let active = 0;
  let connected = false;
  for (const call of core.callsOn(line)) {
    if (call.state !== LINECALLSTATE_IDLE) active++;
    if (call.state === LINECALLSTATE_CONNECTED) connected = true;
  }
  return fillVarStruct(r, 'LINE_DEV_STATUS', c.abi, c.variant, a.offset('LineDevStatus'), {
    ulNumOpens: 1,
    ulOpenMediaModes: line.detecting,
    ulNumActiveCalls: active,
    ulLineFeatures: active < c.addressesPerLine * c.callsPerAddress ? LINEFEATURE_MAKECALL : 0,
    ulDevStatusFlags: LINEDEVSTATUSFLAGS_INSERVICE | (connected ? LINEDEVSTATUSFLAGS_CONNECTED : 0),
  });
}

/** §6.16: the address a call is on. */
function getCallAddressId(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  // §6.16 lists no handle error for this OID.
  if (call === undefined) return NDIS_STATUS_FAILURE;
  a.set(r.dv, 0, 'ulAddressID', call.addressId);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** The dialable address of an address (LINE_ADDRESS_CAPS Address, GET_ADDRESS_ID). */
export function addressName(lineIndex: number, addressId: number): string {
  return `${lineIndex}${addressId}`;
}

/** §6.16: the address id of a dialable address on the line. */
function getAddressId(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const size = a.get(r.dv, 0, 'ulAddressSize');
  const address = r.stringAt(a.offset('szAddress'), 0, size);
  if (address === undefined) return r.tooShort(a.offset('szAddress') + size);
  // Only LINEADDRESSMODE_DIALABLEADDR is defined for this OID; §6.16 lists no mode error.
  if (a.get(r.dv, 0, 'ulAddressMode') !== LINEADDRESSMODE_DIALABLEADDR) return NDIS_STATUS_FAILURE;
  for (let id = 0; id < core.config.addressesPerLine; id++) {
    if (addressName(line.index, id) === address) {
      a.set(r.dv, 0, 'ulAddressID', id);
      r.counts.bytesUsed = Math.max(a.size, a.offset('szAddress') + size);
      return NDIS_STATUS_SUCCESS;
    }
  }
  return NDIS_STATUS_TAPI_INVALADDRESS;
}

export const INFO_OIDS: readonly OidEntry[] = [
  { oid: OID_TAPI_GET_ADDRESS_ID, kind: 'query', structure: 'NDIS_TAPI_GET_ADDRESS_ID', handler: getAddressId },
  { oid: OID_TAPI_GET_DEV_CAPS, kind: 'query', structure: 'NDIS_TAPI_GET_DEV_CAPS', handler: getDevCaps },
  { oid: OID_TAPI_GET_ADDRESS_CAPS, kind: 'query', structure: 'NDIS_TAPI_GET_ADDRESS_CAPS', handler: getAddressCaps },
  { oid: OID_TAPI_GET_CALL_INFO, kind: 'query', structure: 'NDIS_TAPI_GET_CALL_INFO', handler: getCallInfo },
  { oid: OID_TAPI_GET_CALL_STATUS, kind: 'query', structure: 'NDIS_TAPI_GET_CALL_STATUS', handler: getCallStatus },
  { oid: OID_TAPI_GET_ADDRESS_STATUS, kind: 'query', structure: 'NDIS_TAPI_GET_ADDRESS_STATUS', handler: getAddressStatus },
  { oid: OID_TAPI_GET_LINE_DEV_STATUS, kind: 'query', structure: 'NDIS_TAPI_GET_LINE_DEV_STATUS', handler: getLineDevStatus },
  { oid: OID_TAPI_GET_CALL_ADDRESS_ID, kind: 'query', structure: 'NDIS_TAPI_GET_CALL_ADDRESS_ID', handler: getCallAddressId },
];
