import { STRINGFORMAT_UNICODE, type StructValue } from '../oid/index.js';
import { tapiValueOfNdis, withServerFields } from './ndis-to-tapi.js';
import { writeTapiStruct } from './tapi-var-struct.js';

/** LINEDEVCAPS parts that are text, in the format dwStringFormat names. */
const DEV_CAPS_TEXT = new Set(['ProviderInfo', 'SwitchInfo', 'LineName']);

/**
 * LINEDEVCAPS for an application from the miniport's LINE_DEV_CAPS: every member the NDIS
 * structure has; the provider info, switch info and line name as UTF-16LE, with dwStringFormat
 * STRINGFORMAT_UNICODE (docs/tapi.md, "strings"). Members of API 1.4 and later the NDIS 1.3
 * structure lacks are 0. A LINEERR_ when `totalSize` is below the fixed size of `apiVersion`.
 */
export function lineDevCaps(ndis: StructValue<'LINE_DEV_CAPS'>, apiVersion: number, totalSize: number): Uint8Array | number {
  const base = tapiValueOfNdis(ndis, DEV_CAPS_TEXT);
  return writeTapiStruct('LINEDEVCAPS', apiVersion, totalSize, withServerFields(base, { scalars: { dwStringFormat: STRINGFORMAT_UNICODE } }));
}
