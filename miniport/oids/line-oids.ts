import {
  LINEADDRESSSTATE_INUSEMANY,
  LINEADDRESSSTATE_INUSEONE,
  LINEADDRESSSTATE_INUSEZERO,
  LINEADDRESSSTATE_NUMCALLS,
  LINEADDRESSSTATE_OTHER,
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_CONNECTED,
  LINEDEVSTATE_DISCONNECTED,
  LINEDEVSTATE_INSERVICE,
  LINEDEVSTATE_OPEN,
  LINEDEVSTATE_OTHER,
  LINEDEVSTATE_OUTOFSERVICE,
  LINEDEVSTATE_REINIT,
  LINEDEVSTATE_RINGING,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_ALLOCATED,
  NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_INVALLINESTATE,
  NDIS_STATUS_TAPI_INVALMEDIAMODE,
  NDIS_STATUS_TAPI_NODRIVER,
  NDIS_STATUS_TAPI_RESOURCEUNAVAIL,
  OID_TAPI_CLOSE,
  OID_TAPI_CONDITIONAL_MEDIA_DETECTION,
  OID_TAPI_GET_EXTENSION_ID,
  OID_TAPI_NEGOTIATE_EXT_VERSION,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_SET_STATUS_MESSAGES,
} from '../../oid/index.js';
import type { SimCore } from '../sim-core.js';
import { StructAccess } from '../struct-access.js';
import { isSubset, type OidEntry, type RequestContext } from './request-context.js';

/** LINEDEVSTATE_* changes the simulated lines can report (LINE_DEV_CAPS.ulLineStates). */
export const SUPPORTED_LINE_STATES =
  (LINEDEVSTATE_OTHER | LINEDEVSTATE_RINGING | LINEDEVSTATE_CONNECTED | LINEDEVSTATE_DISCONNECTED | LINEDEVSTATE_INSERVICE |
    LINEDEVSTATE_OUTOFSERVICE | LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_REINIT) >>> 0;

/** LINEADDRESSSTATE_* changes the simulated addresses can report (LINE_ADDRESS_CAPS.ulAddressStates). */
export const SUPPORTED_ADDRESS_STATES =
  (LINEADDRESSSTATE_OTHER | LINEADDRESSSTATE_INUSEZERO | LINEADDRESSSTATE_INUSEONE | LINEADDRESSSTATE_INUSEMANY | LINEADDRESSSTATE_NUMCALLS) >>> 0;

/** §6.1: once per adapter; numbers the lines from ulDeviceIDBase. */
function providerInitialize(core: SimCore, r: RequestContext, wdk: StructAccess): number {
  if (core.initialized) return NDIS_STATUS_FAILURE;
  // §11.2: ulProviderID is ULONG_PTR in the WDK and ULONG in the DDK; take a buffer of either size.
  const a = r.bytes.length >= wdk.size ? wdk : new StructAccess('NDIS_TAPI_PROVIDER_INITIALIZE', core.config.abi, 'ddk');
  core.deviceIdBase = a.get(r.dv, 0, 'ulDeviceIDBase');
  core.initialized = true;
  a.set(r.dv, 0, 'ulNumLineDevs', core.config.lines);
  a.set(r.dv, 0, 'ulProviderID', core.config.providerId);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.12: line-down for every link still up, then all TAPI state goes. */
function providerShutdown(core: SimCore, r: RequestContext, a: StructAccess): number {
  core.shutdown();
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.2: one open per line; keeps htLine, returns hdLine. */
function open(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByDeviceId(a.get(r.dv, 0, 'ulDeviceID'));
  // §6.2 lists no device-id error: an id this adapter does not own is a plain failure.
  if (line === undefined) return NDIS_STATUS_FAILURE;
  if (line.open) return NDIS_STATUS_TAPI_ALLOCATED;
  line.hdLine = core.hdLineOf(line);
  line.htLine = a.get(r.dv, 0, 'htLine');
  a.set(r.dv, 0, 'hdLine', line.hdLine);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.11: cannot fail on a valid handle; drops and frees whatever calls are left. */
function close(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  core.closeLine(line);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.3: the new set replaces the old one; only media modes the line can detect. */
function setDefaultMediaDetection(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const modes = a.get(r.dv, 0, 'ulMediaModes');
  if (!isSubset(modes, core.config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  line.detecting = modes;
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.4: succeeds only if the line could monitor and place such calls; changes nothing. */
function conditionalMediaDetection(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  if (!isSubset(a.get(r.dv, 0, 'ulMediaModes'), core.config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  // The parameters §6.4 names; anything the line cannot do is a failure (the §6.4 list has no finer code).
  const p = core.access('LINE_CALL_PARAMS');
  const at = a.offset('LineCallParams');
  const bearer = p.get(r.dv, at, 'ulBearerMode');
  const media = p.get(r.dv, at, 'ulMediaMode');
  if (bearer !== 0 && !isSubset(bearer, core.config.bearerModes)) return NDIS_STATUS_FAILURE;
  if (media !== 0 && !isSubset(media, core.config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
  if (p.get(r.dv, at, 'ulMinRate') > core.config.maxRate) return NDIS_STATUS_FAILURE;
  // "... and place such a call now": a free call appearance on some address.
  if (!line.busy.some((n) => n < core.config.callsPerAddress)) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.5: the line and address changes to report from now on (REINIT is always reported). */
function setStatusMessages(core: SimCore, r: RequestContext, a: StructAccess): number {
  const line = core.lineByHandle(a.get(r.dv, 0, 'hdLine'));
  if (line === undefined) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
  const lineStates = a.get(r.dv, 0, 'ulLineStates');
  const addressStates = a.get(r.dv, 0, 'ulAddressStates');
  if (!isSubset(lineStates, SUPPORTED_LINE_STATES)) return NDIS_STATUS_TAPI_INVALLINESTATE;
  // §6.5 lists INVALLINESTATE but no address-state code: an unsupported address state fails.
  if (!isSubset(addressStates, SUPPORTED_ADDRESS_STATES)) return NDIS_STATUS_FAILURE;
  line.lineStates = lineStates;
  line.addressStates = addressStates;
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.16: the highest supported extension version inside [low, high]. */
function negotiateExtVersion(core: SimCore, r: RequestContext, a: StructAccess): number {
  if (core.lineByDeviceId(a.get(r.dv, 0, 'ulDeviceID')) === undefined) return NDIS_STATUS_TAPI_NODRIVER;
  const low = a.get(r.dv, 0, 'ulLowVersion');
  const high = a.get(r.dv, 0, 'ulHighVersion');
  const mine = core.config.extVersion;
  if (mine === 0 || mine < low || mine > high) return NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION;
  a.set(r.dv, 0, 'ulExtVersion', mine);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

/** §6.16: no extensions: the LINE_EXTENSION_ID is all zeros. */
function getExtensionId(core: SimCore, r: RequestContext, a: StructAccess): number {
  if (core.lineByDeviceId(a.get(r.dv, 0, 'ulDeviceID')) === undefined) return NDIS_STATUS_FAILURE;
  r.bytes.fill(0, a.offset('LineExtensionID'), a.size);
  r.counts.bytesUsed = a.size;
  return NDIS_STATUS_SUCCESS;
}

export const LINE_OIDS: readonly OidEntry[] = [
  { oid: OID_TAPI_PROVIDER_INITIALIZE, kind: 'query', structure: 'NDIS_TAPI_PROVIDER_INITIALIZE', handler: providerInitialize, minimum: 'ddk' },
  { oid: OID_TAPI_PROVIDER_SHUTDOWN, kind: 'set', structure: 'NDIS_TAPI_PROVIDER_SHUTDOWN', handler: providerShutdown },
  { oid: OID_TAPI_OPEN, kind: 'query', structure: 'NDIS_TAPI_OPEN', handler: open },
  { oid: OID_TAPI_CLOSE, kind: 'set', structure: 'NDIS_TAPI_CLOSE', handler: close },
  { oid: OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, kind: 'set', structure: 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', handler: setDefaultMediaDetection },
  { oid: OID_TAPI_CONDITIONAL_MEDIA_DETECTION, kind: 'set', structure: 'NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION', handler: conditionalMediaDetection },
  { oid: OID_TAPI_SET_STATUS_MESSAGES, kind: 'set', structure: 'NDIS_TAPI_SET_STATUS_MESSAGES', handler: setStatusMessages },
  { oid: OID_TAPI_NEGOTIATE_EXT_VERSION, kind: 'query', structure: 'NDIS_TAPI_NEGOTIATE_EXT_VERSION', handler: negotiateExtVersion },
  { oid: OID_TAPI_GET_EXTENSION_ID, kind: 'query', structure: 'NDIS_TAPI_GET_EXTENSION_ID', handler: getExtensionId },
];
