import { STRINGFORMAT_ASCII, STRINGFORMAT_UNICODE, type StructValue } from '../oid/index.js';
import { writeTapiStruct } from './tapi-var-struct.js';
import { unicodeOfAscii } from './unicode-text.js';

/**
 * VARSTRING for an application from the miniport's VAR_STRING (lineGetID): an ASCII string
 * becomes UTF-16LE with STRINGFORMAT_UNICODE (docs/tapi.md, "strings"); any other format
 * (STRINGFORMAT_BINARY for "tapi/line" and "ndis") is copied as it is. VARSTRING has one size
 * for every version (ms-trp.md §6.4: not extensible). A LINEERR_ when `totalSize` is below it.
 */
export function varString(ndis: StructValue<'VAR_STRING'>, totalSize: number): Uint8Array | number {
  const ascii = ndis.ulStringFormat === STRINGFORMAT_ASCII;
  const data = ndis.String;
  return writeTapiStruct('VARSTRING', 0, totalSize, {
    scalars: { dwStringFormat: ascii ? STRINGFORMAT_UNICODE : ndis.ulStringFormat },
    parts: { String: ascii ? unicodeOfAscii(data) : data },
  });
}
