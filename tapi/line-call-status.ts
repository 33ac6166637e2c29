import type { StructValue } from '../oid/index.js';
import { tapiValueOfNdis, withServerFields } from './ndis-to-tapi.js';
import { writeTapiStruct } from './tapi-var-struct.js';

/** SYSTEMTIME members (minwinbase.h order) of a moment, in UTC. */
export function systemTime(ms: number): Readonly<Record<string, number>> {
  const d = new Date(ms);
  return {
    'tStateEntryTime.wYear': d.getUTCFullYear(),
    'tStateEntryTime.wMonth': d.getUTCMonth() + 1,
    'tStateEntryTime.wDayOfWeek': d.getUTCDay(),
    'tStateEntryTime.wDay': d.getUTCDate(),
    'tStateEntryTime.wHour': d.getUTCHours(),
    'tStateEntryTime.wMinute': d.getUTCMinutes(),
    'tStateEntryTime.wSecond': d.getUTCSeconds(),
    'tStateEntryTime.wMilliseconds': d.getUTCMilliseconds(),
  };
}

/**
 * LINECALLSTATUS for an application from the miniport's LINE_CALL_STATUS: state, state mode,
 * features and device-specific data as the miniport gives them; dwCallPrivilege is the
 * application's own privilege on its handle (ms-trp.md §6.2), which only the server knows; for
 * API 2.0 and later, tStateEntryTime is when the server saw the call enter its state (UTC, on
 * the server's clock) and dwCallFeatures2 is 0 (the NDIS 1.3 structure has none).
 */
export function lineCallStatus(ndis: StructValue<'LINE_CALL_STATUS'>, privilege: number, stateEntryMs: number, apiVersion: number, totalSize: number): Uint8Array | number {
  const base = tapiValueOfNdis(ndis, new Set());
  return writeTapiStruct('LINECALLSTATUS', apiVersion, totalSize, withServerFields(base, { scalars: { dwCallPrivilege: privilege, ...systemTime(stateEntryMs) } }));
}
