import {
  LINEERR_INVALCALLPARAMS,
  LINEERR_INVALPARAM,
  LINEERR_INVALPOINTER,
  LINEERR_OPERATIONUNAVAIL,
} from '../../../oid/index.js';
import {
  TAPI_NO_DATA,
  TrpPacketError,
  decodeRequest,
  encodeRequest,
  isTrpPacketError,
  type DecodeRequestOptions,
  type RequestPacket,
  type TrpPacketErrorReason,
} from '../../../tapi/trp/index.js';
import { handPacket, putU32, utf16z } from './reference-layouts.js';

/*
 * The bad-input table: each malformed request and the LINEERR_ a server answers it with,
 * with the field and byte offset the error names. Decisions where MS-TRP names no error are
 * in docs/trp-packets.md.
 */

interface BadCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly options?: DecodeRequestOptions;
  readonly lineErr: number;
  readonly reason: TrpPacketErrorReason;
  readonly field: string;
  readonly offset: number;
}

const uui = (n: number): Uint8Array => new Uint8Array(n).fill(0x55);
const blindTransfer = (destOffset: number, varData: Uint8Array): Uint8Array => handPacket(8, [[8, 1], [12, 2], [16, destOffset], [20, 1]], varData);
const answer = (offset: number, size: number, varData: Uint8Array): Uint8Array => handPacket(7, [[8, 1], [12, 2], [16, offset], [20, size]], varData);
const makeCall = (callParams: number, varData: Uint8Array): Uint8Array =>
  handPacket(48, [[24, TAPI_NO_DATA], [32, callParams], [36, TAPI_NO_DATA]], varData);
const getCallInfo = (size: number): Uint8Array => handPacket(30, [[8, 1], [12, size]]);
const withU32 = (bytes: Uint8Array, at: number, value: number): Uint8Array => {
  putU32(bytes, at, value);
  return bytes;
};
const callParams = (total: number, length: number): Uint8Array => withU32(new Uint8Array(length), 0, total);

const CASES: readonly BadCase[] = [
  // The fixed part (MS-TRP 3.1.4.2: lNeededSize < sizeof(TAPI32_MSG); no LINEERR named: INVALPARAM).
  { name: 'empty buffer', bytes: new Uint8Array(0), lineErr: LINEERR_INVALPARAM, reason: 'short-packet', field: 'TAPI32_MSG', offset: 0 },
  { name: 'only Req_Func', bytes: handPacket(47, []).subarray(0, 4), lineErr: LINEERR_INVALPARAM, reason: 'short-packet', field: 'TAPI32_MSG', offset: 4 },
  { name: '59 bytes', bytes: new Uint8Array(59), lineErr: LINEERR_INVALPARAM, reason: 'short-packet', field: 'TAPI32_MSG', offset: 59 },
  { name: 'lNeededSize below the bytes sent', bytes: handPacket(9, [[8, 1]]), options: { neededSize: 59 }, lineErr: LINEERR_INVALPARAM, reason: 'short-packet', field: 'lNeededSize', offset: 0 },

  // Req_Func (MS-TRP 2.1 lists LINEERR_OPERATIONUNAVAIL for the header).
  { name: 'Req_Func 100 (a gap)', bytes: handPacket(100, []), lineErr: LINEERR_OPERATIONUNAVAIL, reason: 'unknown-function', field: 'Req_Func', offset: 0 },
  { name: 'Req_Func 28 (inferred name only, not taken)', bytes: handPacket(28, []), lineErr: LINEERR_OPERATIONUNAVAIL, reason: 'unknown-function', field: 'Req_Func', offset: 0 },
  { name: 'Req_Func 0xFFFFFFFF', bytes: handPacket(0xffffffff, []), lineErr: LINEERR_OPERATIONUNAVAIL, reason: 'unknown-function', field: 'Req_Func', offset: 0 },
  { name: 'Req_Func 46 (Hold: known, no layout)', bytes: handPacket(46, []), lineErr: LINEERR_OPERATIONUNAVAIL, reason: 'unsupported-function', field: 'Req_Func', offset: 0 },

  // Strings (2.2: WCHAR-aligned, inside VarData, NUL-terminated).
  { name: 'string offset at the end of VarData', bytes: blindTransfer(8, utf16z('123')), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpszDestAddress', offset: 16 },
  { name: 'string offset far outside', bytes: blindTransfer(0x7ffffff0, utf16z('123')), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpszDestAddress', offset: 16 },
  { name: 'required string given as TAPI_NO_DATA', bytes: blindTransfer(TAPI_NO_DATA, utf16z('123')), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpszDestAddress', offset: 16 },
  { name: 'string at an odd offset', bytes: blindTransfer(1, new Uint8Array(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpszDestAddress', offset: 16 },
  { name: 'string without NUL', bytes: blindTransfer(0, Uint8Array.from([0x31, 0, 0x32, 0, 0x33, 0, 0x34, 0])), lineErr: LINEERR_INVALPOINTER, reason: 'unterminated-string', field: 'lpszDestAddress', offset: 16 },
  { name: 'NUL cut by the end of VarData (one byte of it)', bytes: blindTransfer(0, Uint8Array.from([0x31, 0, 0x32, 0, 0x33, 0, 0, 0]).subarray(0, 7)), lineErr: LINEERR_INVALPOINTER, reason: 'unterminated-string', field: 'lpszDestAddress', offset: 16 },
  { name: 'second string of Initialize outside', bytes: handPacket(47, [[20, 0], [28, 64]], utf16z('pc')), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'dwModuleNameOffset', offset: 28 },
  { name: 'optional MakeCall destination outside', bytes: handPacket(48, [[24, 8], [32, TAPI_NO_DATA]], new Uint8Array(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpszDestAddress', offset: 24 },

  // Blobs (2.2: DWORD-aligned, offset + size inside VarData).
  { name: 'user-user info at a WCHAR but not DWORD boundary', bytes: answer(2, 4, uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpsUserUserInfo', offset: 16 },
  { name: 'user-user info past VarData', bytes: answer(4, 8, uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpsUserUserInfo', offset: 16 },
  { name: 'user-user info offset beyond VarData', bytes: answer(12, 0, uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpsUserUserInfo', offset: 16 },
  { name: 'offset + size wraps 32 bits (4 + 0xFFFFFFFC = 0)', bytes: answer(4, 0xfffffffc, uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpsUserUserInfo', offset: 16 },
  { name: 'offset + size wraps 32 bits (0xFFFFFFF0 + 0x20)', bytes: answer(0xfffffff0, 0x20, uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpsUserUserInfo', offset: 16 },
  { name: 'Drop user-user info size 0xFFFFFFFF', bytes: handPacket(16, [[16, 0], [20, 0xffffffff]], uui(8)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpsUserUserInfo', offset: 16 },

  // LINECALLPARAMS (2.4: DWORD-aligned, inside VarData; too small for itself: INVALCALLPARAMS).
  { name: 'call params misaligned', bytes: makeCall(2, callParams(8, 12)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'lpCallParams', offset: 32 },
  { name: 'call params dwTotalSize past VarData', bytes: makeCall(0, callParams(16, 12)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpCallParams', offset: 32 },
  { name: 'call params dwTotalSize 0xFFFFFFFC (wraps)', bytes: makeCall(8, withU32(new Uint8Array(12), 8, 0xfffffffc)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpCallParams', offset: 32 },
  { name: 'call params dwTotalSize field itself cut', bytes: makeCall(8, new Uint8Array(10)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpCallParams', offset: 32 },
  { name: 'call params dwTotalSize 0', bytes: makeCall(0, callParams(0, 8)), lineErr: LINEERR_INVALCALLPARAMS, reason: 'bad-size', field: 'lpCallParams', offset: 32 },
  { name: 'Open call params outside', bytes: handPacket(54, [[16, TAPI_NO_DATA], [40, 8], [44, TAPI_NO_DATA]], new Uint8Array(4)), lineErr: LINEERR_INVALPOINTER, reason: 'bad-offset', field: 'pCallParams', offset: 40 },

  // Output space (2.4: VarData >= the requested size).
  { name: 'GetCallInfo asks for more than lNeededSize holds', bytes: getCallInfo(400), options: { neededSize: 60 + 399 }, lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpCallInfo', offset: 12 },
  { name: 'GetCallInfo asks for 0xFFFFFFFF bytes', bytes: getCallInfo(0xffffffff), options: { neededSize: 1000 }, lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpCallInfo', offset: 12 },
  { name: 'GetDevCaps with no output space at all', bytes: handPacket(34, [[24, 292]]), lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'lpLineDevCaps', offset: 24 },
  { name: 'NegotiateAPIVersion with less than a LINEEXTENSIONID of VarData', bytes: handPacket(52, [[24, TAPI_NO_DATA], [28, TAPI_NO_DATA]]), options: { neededSize: 60 + 12 }, lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'ExtensionID', offset: 28 },
  { name: 'GetAsyncEvents dwTotalBufferSize beyond VarData', bytes: handPacket(0, [[8, 4096]]), options: { neededSize: 60 + 4092 }, lineErr: LINEERR_INVALPOINTER, reason: 'bad-size', field: 'dwTotalBufferSize', offset: 8 },

  // Reserved fields: GetAsyncEvents requires all of them 0 (section 3); elsewhere only strict mode refuses Reserved1.
  { name: 'GetAsyncEvents Reserved1 nonzero', bytes: handPacket(0, [[4, 1], [8, 0]]), lineErr: LINEERR_INVALPARAM, reason: 'reserved-nonzero', field: 'Reserved1', offset: 4 },
  { name: 'GetAsyncEvents Reserved2 nonzero', bytes: handPacket(0, [[20, 1]]), lineErr: LINEERR_INVALPARAM, reason: 'reserved-nonzero', field: 'Reserved2', offset: 20 },
  { name: 'GetAsyncEvents Reserved11 nonzero', bytes: handPacket(0, [[56, 0x80000000]]), lineErr: LINEERR_INVALPARAM, reason: 'reserved-nonzero', field: 'Reserved11', offset: 56 },
  { name: 'Close Reserved1 nonzero, strict', bytes: handPacket(9, [[4, 0xffffffff], [8, 3]]), options: { strict: true }, lineErr: LINEERR_INVALPARAM, reason: 'sender-breach', field: 'Reserved1', offset: 4 },
  { name: 'MakeCall code page not TAPI_NO_DATA, strict', bytes: makeCall(TAPI_NO_DATA, new Uint8Array(0)).map((b, i) => (i >= 36 && i < 40 ? 0 : b)), options: { strict: true }, lineErr: LINEERR_INVALPARAM, reason: 'sender-breach', field: 'dwCallParamsCodePage', offset: 36 },
];

describe.each(CASES)('$name', ({ bytes, options, lineErr, reason, field, offset }) => {
  test('gives its LINEERR_, field and offset', () => {
    const result = decodeRequest(bytes, options);
    expect(isTrpPacketError(result)).toBe(true);
    const error = result as TrpPacketError;
    expect({ lineErr: error.lineErr.toString(16), reason: error.reason, field: error.field, offset: error.offset }).toEqual({
      lineErr: lineErr.toString(16),
      reason,
      field,
      offset,
    });
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.expected.length).toBeGreaterThan(0);
  });
});

describe('ignored on receipt (MS-TRP 2.1, section 3)', () => {
  test('a nonzero Reserved1 is reported as a breach, the packet still decodes', () => {
    const result = decodeRequest(handPacket(9, [[4, 0xdeadbeef], [8, 3]]));
    expect(result).toEqual({ packet: { func: 'lClose', hLine: 3 }, breaches: [{ offset: 4, field: 'Reserved1', expected: 0, actual: 0xdeadbeef }] });
  });

  test('padding slots may hold anything and are not reported', () => {
    const slots: Array<[number, number]> = [[8, 3]];
    for (let at = 12; at < 60; at += 4) slots.push([at, at * 0x01010101]);
    expect(decodeRequest(handPacket(9, slots), { strict: true })).toEqual({ packet: { func: 'lClose', hLine: 3 }, breaches: [] });
  });

  test('Open with hLine, code page and pGetCallParams not TAPI_NO_DATA reports the two MUSTs', () => {
    const result = decodeRequest(handPacket(54, [[16, 0], [40, TAPI_NO_DATA], [44, 1252], [48, 0]]));
    expect(isTrpPacketError(result)).toBe(false);
    if (isTrpPacketError(result)) return;
    expect(result.breaches.map((b) => [b.field, b.offset, b.actual])).toEqual([
      ['hLine', 16, 0],
      ['dwAsciiCallParamsCodePage', 44, 1252],
    ]);
  });

  test('user-user info TAPI_NO_DATA makes dwSize irrelevant', () => {
    const result = decodeRequest(answer(TAPI_NO_DATA, 0xffffffff, new Uint8Array(0)));
    expect(result).toEqual({ packet: { func: 'lAnswer', dwRequestID: 1, hCall: 2, lpsUserUserInfo: null }, breaches: [] });
  });

  test('bytes after the data the slots locate are allowed', () => {
    const result = decodeRequest(blindTransfer(0, Uint8Array.from([...utf16z('1'), 0xee, 0xee, 0xee, 0xee])));
    expect(isTrpPacketError(result)).toBe(false);
  });
});

describe('encoding refuses values that do not fit', () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ['a negative DWORD', { func: 'lClose', hLine: -1 }, 'hLine'],
    ['a DWORD above 32 bits', { func: 'lClose', hLine: 2 ** 32 }, 'hLine'],
    ['a fraction', { func: 'lSetMediaMode', hCall: 1, dwMediaMode: 1.5 }, 'dwMediaMode'],
    ['a string with a NUL', { func: 'lRedirect', dwRequestID: 1, hCall: 2, lpszDestAddress: 'a\0b', dwCountryCode: 0 }, 'lpszDestAddress'],
    ['null for a required string', { func: 'lRedirect', dwRequestID: 1, hCall: 2, lpszDestAddress: null, dwCountryCode: 0 }, 'lpszDestAddress'],
    ['a number for a blob', { func: 'lAnswer', dwRequestID: 1, hCall: 2, lpsUserUserInfo: 5 }, 'lpsUserUserInfo'],
    ['call params whose dwTotalSize is not their length', { func: 'lMakeCall', dwRequestID: 0, lpContext: 0, hLine: 1, lphCallContext: 0, lpszDestAddress: null, dwCountryCode: 0, lpCallParams: new Uint8Array(8), dwCallParamsCodePage: TAPI_NO_DATA }, 'lpCallParams'],
  ];
  test.each(cases)('%s', (_name, packet, field) => {
    const result = encodeRequest(packet as unknown as RequestPacket);
    expect(isTrpPacketError(result) && [result.reason, result.field]).toEqual(['bad-value', field]);
  });

  test('a function without a layout', () => {
    const result = encodeRequest({ func: 'lHold', hCall: 1 } as unknown as RequestPacket);
    expect(isTrpPacketError(result) && [result.reason, result.lineErr]).toEqual(['unsupported-function', LINEERR_OPERATIONUNAVAIL]);
  });
});
