import type { StructValue } from '../oid/index.js';
import { tapiValueOfNdis } from './ndis-to-tapi.js';
import { writeTapiStruct } from './tapi-var-struct.js';

/** LINEADDRESSCAPS parts that are text: the address itself and the completion message texts. */
const ADDRESS_CAPS_TEXT = new Set(['Address', 'CompletionMsgText']);

/**
 * LINEADDRESSCAPS for an application from the miniport's LINE_ADDRESS_CAPS: every member the
 * NDIS structure has, the address as UTF-16LE. Members of API 1.4 and later the NDIS 1.3
 * structure lacks are 0. A LINEERR_ when `totalSize` is below the fixed size of `apiVersion`.
 */
export function lineAddressCaps(ndis: StructValue<'LINE_ADDRESS_CAPS'>, apiVersion: number, totalSize: number): Uint8Array | number {
  return writeTapiStruct('LINEADDRESSCAPS', apiVersion, totalSize, tapiValueOfNdis(ndis, ADDRESS_CAPS_TEXT));
}
