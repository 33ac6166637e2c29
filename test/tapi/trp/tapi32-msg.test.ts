import { LINEERR_INVALPARAM } from '../../../oid/index.js';
import { decodeTapi32Msg, encodeTapi32Msg, isTrpPacketError, paramOffset, type Tapi32Msg } from '../../../tapi/trp/index.js';
import { u32 } from './reference-layouts.js';

/* The 60-byte TAPI32_MSG header of MS-TRP 2.2.5.2 (reference section 2.1). */

const msg: Tapi32Msg = {
  reqFuncOrReturnValue: 54,
  reserved1: 0,
  params: Array.from({ length: 13 }, (_, i) => 0x01010101 * (i + 1)),
  varData: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
};

test('Req_Func @0, Reserved1 @4, the 13 parameter slots @8..@56, VarData @60', () => {
  const bytes = encodeTapi32Msg(msg);
  if (isTrpPacketError(bytes)) throw new Error(bytes.toString());
  expect(bytes.length).toBe(68);
  expect([u32(bytes, 0), u32(bytes, 4)]).toEqual([54, 0]);
  for (let i = 0; i < 13; i++) expect(u32(bytes, 8 + 4 * i)).toBe(0x01010101 * (i + 1));
  expect(Array.from(bytes.subarray(60))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect([paramOffset(0), paramOffset(12)]).toEqual([8, 56]);
  expect(decodeTapi32Msg(bytes)).toEqual(msg);
});

test('exactly 60 bytes decode with empty VarData; 59 do not', () => {
  const bytes = new Uint8Array(60);
  const decoded = decodeTapi32Msg(bytes);
  expect(isTrpPacketError(decoded) ? decoded : decoded.varData.length).toBe(0);
  const short = decodeTapi32Msg(bytes.subarray(0, 59));
  expect(isTrpPacketError(short) && [short.lineErr, short.reason]).toEqual([LINEERR_INVALPARAM, 'short-packet']);
});

test('encoding refuses 12 parameters and values that are not DWORDs', () => {
  const twelve = encodeTapi32Msg({ ...msg, params: msg.params.slice(1) });
  expect(isTrpPacketError(twelve) && twelve.field).toBe('params');
  const negative = encodeTapi32Msg({ ...msg, params: msg.params.map((p, i) => (i === 3 ? -1 : p)) });
  expect(isTrpPacketError(negative) && [negative.field, negative.offset]).toEqual(['param 3', 20]);
  const big = encodeTapi32Msg({ ...msg, reqFuncOrReturnValue: 2 ** 32 });
  expect(isTrpPacketError(big) && big.field).toBe('Req_Func');
});
