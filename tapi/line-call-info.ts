import type { StructValue } from '../oid/index.js';
import { tapiValueOfNdis, withServerFields } from './ndis-to-tapi.js';
import { writeTapiStruct } from './tapi-var-struct.js';
import { unicodeZ } from './unicode-text.js';

/** The LINECALLINFO parts that are text (tapi.h: caller/called/connected/redirection ids and names, app name, addresses, comment, display). */
export const CALL_INFO_TEXT = new Set([
  'CallerID', 'CallerIDName', 'CalledID', 'CalledIDName', 'ConnectedID', 'ConnectedIDName', 'RedirectionID',
  'RedirectionIDName', 'RedirectingID', 'RedirectingIDName', 'AppName', 'DisplayableAddress', 'CalledParty', 'Comment', 'Display',
]);

/** What the TAPI server knows of a call that LINECALLINFO carries (ms-trp.md §6.1). */
export interface CallInfoServerFields {
  /** The application's own line handle. */
  readonly hLine: number;
  readonly deviceId: number;
  /** The server's call id, the one LINE_APPNEWCALL and the MakeCall completion carry. */
  readonly callId: number;
  readonly numOwners: number;
  readonly numMonitors: number;
  /** The media mode as the server holds it (the owner's, after lineSetMediaMode). */
  readonly mediaMode: number;
  /** The friendly name of the application that made the call; undefined for an incoming call. */
  readonly appName: string | undefined;
}

/**
 * LINECALLINFO for an application from the miniport's LINE_CALL_INFO: every member the NDIS
 * structure has, its text as UTF-16LE, and the server's own members over it (hLine, the line
 * device id, dwCallID, dwNumOwners, dwNumMonitors, dwMediaMode, the originating application's
 * name). Members of API 2.0 and 3.0 the NDIS 1.3 structure lacks are 0. A LINEERR_ when
 * `totalSize` is below the fixed size of `apiVersion`.
 */
export function lineCallInfo(ndis: StructValue<'LINE_CALL_INFO'>, own: CallInfoServerFields, apiVersion: number, totalSize: number): Uint8Array | number {
  const base = tapiValueOfNdis(ndis, CALL_INFO_TEXT);
  return writeTapiStruct(
    'LINECALLINFO',
    apiVersion,
    totalSize,
    withServerFields(base, {
      scalars: {
        hLine: own.hLine,
        dwLineDeviceID: own.deviceId,
        dwCallID: own.callId,
        dwNumOwners: own.numOwners,
        dwNumMonitors: own.numMonitors,
        dwMediaMode: own.mediaMode,
      },
      parts: own.appName === undefined ? {} : { AppName: unicodeZ(own.appName) },
    }),
  );
}
