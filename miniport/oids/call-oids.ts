import {
  LINEADDRESSMODE_ADDRESSID,
  LINECALLINFOSTATE_APPSPECIFIC,
  LINECALLINFOSTATE_BEARERMODE,
  LINECALLINFOSTATE_RATE,
  LINECALLINFOSTATE_MEDIAMODE,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_IDLE,
  LINEMEDIAMODE_UNKNOWN,
  LINE_CALLINFO,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_BEARERMODEUNAVAIL,
  NDIS_STATUS_TAPI_CALLUNAVAIL,
  NDIS_STATUS_TAPI_INVALRATE,
  NDIS_STATUS_TAPI_RATEUNAVAIL,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALBEARERMODE,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_INVALMEDIAMODE,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DIAL,
  OID_TAPI_DROP,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_SECURE_CALL,
  OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_CALL_PARAMS,
  OID_TAPI_SET_MEDIA_MODE,
} from '../../oid/index.js';
import type { SimCall } from '../sim-call.js';
import type { SimCore } from '../sim-core.js';
import type { StructAccess } from '../struct-access.js';
import { callOf, isSubset, oneBit, type OidEntry, type RequestContext } from './request-context.js';

function done(r: RequestContext, a: StructAccess): number {
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.6: sets up the call context without answering: OFFERING → ACCEPTED. */
function accept(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (!core.move(call, 'accept')) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  return done(r, a);
}

/** §6.6: answers, with or without ACCEPT: line-up, then CONNECTED. */
function answer(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (!core.move(call, 'answer')) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  return done(r, a);
}

/** §6.9: to IDLE; the handles stay valid until CLOSE_CALL. */
function drop(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (call.state === LINECALLSTATE_IDLE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  core.drop(call);
  return done(r, a);
}

/** §6.10: cannot fail on a valid handle: drops a live call (line-down, IDLE), then frees it. */
function closeCall(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  core.drop(call);
  core.forget(call);
  return done(r, a);
}

/** §6.7: takes NDISTAPI's htCall, returns hdCall; progress follows the completion on the clock. */
function makeCall(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const htCall = a.get(r.dv, 0, 'htCall');
  if (htCall === 0) return NDIS_STATUS_FAILURE;
  const destSize = a.get(r.dv, 0, 'ulDestAddressSize');
  const dest = r.stringAt(0, a.get(r.dv, 0, 'ulDestAddressOffset'), destSize);
  if (dest === undefined) return r.tooShort(a.get(r.dv, 0, 'ulDestAddressOffset') + destSize);
  const config = core.config;
  let mediaMode = config.mediaModes & ~LINEMEDIAMODE_UNKNOWN & -(config.mediaModes & ~LINEMEDIAMODE_UNKNOWN);
  let bearerMode = core.bearerFor(mediaMode);
  let addressId = 0;
  // §11.14: TRUE → the line's defaults, LineCallParams ignored; FALSE → LineCallParams.
  if (a.get(r.dv, 0, 'bUseDefaultLineCallParams') === 0) {
    const p = core.access('LINE_CALL_PARAMS');
    const at = a.offset('LineCallParams');
    const m = p.get(r.dv, at, 'ulMediaMode');
    const b = p.get(r.dv, at, 'ulBearerMode');
    if (m !== 0) {
      if (!isSubset(m, config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
      mediaMode = m;
    }
    if (b !== 0) {
      if (!oneBit(b) || !isSubset(b, config.bearerModes)) return NDIS_STATUS_TAPI_INVALBEARERMODE;
      bearerMode = b;
    }
    if (p.get(r.dv, at, 'ulAddressMode') === LINEADDRESSMODE_ADDRESSID) {
      addressId = p.get(r.dv, at, 'ulAddressID');
      if (addressId >= config.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
    }
  }
  if (core.busyCalls(line, addressId) >= config.callsPerAddress) return NDIS_STATUS_TAPI_CALLUNAVAIL;
  const call = core.newCall(line, addressId, htCall, false, mediaMode, bearerMode, '', dest);
  a.set(r.dv, 0, 'hdCall', call.hdCall);
  // Two-step dialling when no destination is given: a call appearance waits in DIALTONE.
  core.placeCall(call, destSize !== 0);
  return done(r, a);
}

/** §6.7: the digits for a call MAKE_CALL left in DIALTONE. */
function dial(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  const size = a.get(r.dv, 0, 'ulDestAddressSize');
  const digits = r.stringAt(a.offset('szDestAddress'), 0, size);
  if (digits === undefined) return r.tooShort(a.offset('szDestAddress') + size);
  if (call.state !== LINECALLSTATE_DIALTONE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  call.calledId = digits;
  core.dial(call);
  r.counts.bytesUsed = Math.max(a.size, a.offset('szDestAddress') + size);
  return NDIS_STATUS_SUCCESS;
}

/** §6.17: records that the call is secure (it stays so for the whole call). */
function secureCall(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  call.secure = true;
  return done(r, a);
}

function callInfoChanged(core: SimCore, call: SimCall, what: number): void {
  // TSPI: LINE_CALLINFO is never sent once the call is IDLE.
  if (call.state !== LINECALLSTATE_IDLE) core.out.tapiEvent(call.line.htLine, call.htCall, LINE_CALLINFO, what, 0, 0);
}

/** §6.17: stored uninterpreted for LINE_CALL_INFO.ulAppSpecific. */
function setAppSpecific(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  call.appSpecific = a.get(r.dv, 0, 'ulAppSpecific');
  const status = done(r, a);
  callInfoChanged(core, call, LINECALLINFOSTATE_APPSPECIFIC);
  return status;
}

/** §6.17: exactly one media mode, or UNKNOWN with candidate bits; only modes the line carries. */
function setMediaMode(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  const mode = a.get(r.dv, 0, 'ulMediaMode');
  const known = mode & ~LINEMEDIAMODE_UNKNOWN;
  const shaped = mode & LINEMEDIAMODE_UNKNOWN ? true : oneBit(known);
  if (!shaped || !isSubset(mode, core.config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  const changed = call.mediaMode !== mode;
  call.mediaMode = mode;
  const status = done(r, a);
  if (changed) callInfoChanged(core, call, LINECALLINFOSTATE_MEDIAMODE);
  return status;
}

/** §6.17: a new bearer mode (exactly one bit) and rate range for the call. */
function setCallParams(core: SimCore, r: RequestContext, a: StructAccess): number {
  const call = callOf(core, r, a);
  if (call === undefined) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
  if (call.state === LINECALLSTATE_IDLE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
  const bearer = a.get(r.dv, 0, 'ulBearerMode');
  const min = a.get(r.dv, 0, 'ulMinRate');
  const max = a.get(r.dv, 0, 'ulMaxRate');
  if (!oneBit(bearer)) return NDIS_STATUS_TAPI_INVALBEARERMODE;
  if (!isSubset(bearer, core.config.bearerModes)) return NDIS_STATUS_TAPI_BEARERMODEUNAVAIL;
  if (min > max) return NDIS_STATUS_TAPI_INVALRATE;
  if (min > core.config.maxRate) return NDIS_STATUS_TAPI_RATEUNAVAIL;
  let changed = 0;
  if (call.bearerMode !== bearer) changed |= LINECALLINFOSTATE_BEARERMODE;
  const rate = Math.min(max, core.config.maxRate);
  if (call.rate !== rate) changed |= LINECALLINFOSTATE_RATE;
  call.bearerMode = bearer;
  call.rate = rate;
  const status = done(r, a);
  if (changed !== 0) callInfoChanged(core, call, changed);
  return status;
}

export const CALL_OIDS: readonly OidEntry[] = [
  { oid: OID_TAPI_SET_CALL_PARAMS, kind: 'set', structure: 'NDIS_TAPI_SET_CALL_PARAMS', handler: setCallParams },
  { oid: OID_TAPI_ACCEPT, kind: 'set', structure: 'NDIS_TAPI_ACCEPT', handler: accept },
  { oid: OID_TAPI_ANSWER, kind: 'set', structure: 'NDIS_TAPI_ANSWER', handler: answer },
  { oid: OID_TAPI_DROP, kind: 'set', structure: 'NDIS_TAPI_DROP', handler: drop },
  { oid: OID_TAPI_CLOSE_CALL, kind: 'set', structure: 'NDIS_TAPI_CLOSE_CALL', handler: closeCall },
  { oid: OID_TAPI_MAKE_CALL, kind: 'query', structure: 'NDIS_TAPI_MAKE_CALL', handler: makeCall },
  { oid: OID_TAPI_DIAL, kind: 'set', structure: 'NDIS_TAPI_DIAL', handler: dial },
  { oid: OID_TAPI_SECURE_CALL, kind: 'set', structure: 'NDIS_TAPI_SECURE_CALL', handler: secureCall },
  { oid: OID_TAPI_SET_APP_SPECIFIC, kind: 'set', structure: 'NDIS_TAPI_SET_APP_SPECIFIC', handler: setAppSpecific },
  { oid: OID_TAPI_SET_MEDIA_MODE, kind: 'set', structure: 'NDIS_TAPI_SET_MEDIA_MODE', handler: setMediaMode },
];
