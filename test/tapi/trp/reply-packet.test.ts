import {
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALPARAM,
  LINEERR_INVALPOINTER,
  LINEERR_RESOURCEUNAVAIL,
  LINE_CALLSTATE,
} from '../../../oid/index.js';
import {
  REQUEST_LAYOUTS,
  TAPIERR_INVALRPCCONTEXT,
  TAPI_NO_DATA,
  decodeAsyncEvents,
  decodeReply,
  decodeRequest,
  encodeAsyncEvents,
  encodeReply,
  encodeRequest,
  isAsyncEventError,
  isTrpPacketError,
  replyTo,
  returnValueMeaning,
  type RequestFuncName,
  type RequestPacket,
  type TrpPacketError,
  type TrpReply,
} from '../../../tapi/trp/index.js';
import { handPacket, putU32, u32 } from './reference-layouts.js';

/*
 * Replies: the request's buffer with Ack_ReturnValue at 0, OUT slots filled in (at the same
 * offsets as the request, section 3) and output structures in VarData located by their slot.
 */

function ok<T>(value: T | TrpPacketError): T {
  if (isTrpPacketError(value)) throw new Error(value.toString());
  return value;
}

/** The server side: decode the client's bytes, answer, encode. */
function serve<F extends RequestFuncName>(packet: RequestPacket<F>, answer: (request: RequestPacket<F>) => TrpReply<F> | TrpPacketError): Uint8Array {
  const sent = ok(encodeRequest(packet));
  const received = ok(decodeRequest(sent.bytes, { neededSize: sent.neededSize }));
  return ok(encodeReply(ok(answer(received.packet as RequestPacket<F>))));
}

/** A TAPI variable structure: dwTotalSize, dwNeededSize, dwUsedSize, then a fill; `used` bytes long. */
function varStruct(total: number, used: number): Uint8Array {
  const bytes = new Uint8Array(used).map((_, i) => i & 0xff);
  putU32(bytes, 0, total);
  putU32(bytes, 4, used);
  putU32(bytes, 8, used);
  return bytes;
}

test('Initialize: Ack_ReturnValue 0 with hLineApp @8 and dwNumDevs @24; input slots keep their values', () => {
  const request: RequestPacket<'lInitialize'> = {
    func: 'lInitialize',
    hLineApp: 0,
    hInstance: 0x400000,
    InitContext: 0xabc,
    dwFriendlyNameOffset: 'PC',
    dwNumDevs: 0,
    dwModuleNameOffset: 'PC',
    dwAPIVersion: 0x00030001,
  };
  const bytes = serve(request, (r) => replyTo(r, { returnValue: 0, out: { hLineApp: 0x1234, dwNumDevs: 3 } }));
  expect([u32(bytes, 0), u32(bytes, 4), u32(bytes, 8), u32(bytes, 12), u32(bytes, 16), u32(bytes, 24), u32(bytes, 32)]).toEqual([
    0, 0, 0x1234, 0x400000, 0xabc, 3, 0x00030001,
  ]);
  expect(bytes.length).toBe(60);
  const reply = ok(decodeReply('lInitialize', bytes));
  expect(reply.returnValue).toBe(0);
  expect(reply.slots).toMatchObject({ hLineApp: 0x1234, dwNumDevs: 3, InitContext: 0xabc, dwAPIVersion: 0x00030001 });
  expect(reply.outputs).toEqual({});
});

test('Open: the new hLine @16 and pGetCallParams TAPI_NO_DATA @48', () => {
  const request: RequestPacket<'lOpen'> = {
    func: 'lOpen',
    hLineApp: 1,
    dwDeviceID: 0,
    hLine: TAPI_NO_DATA,
    dwNegotiatedVersion: 0x00020002,
    dwExtVersion: 0,
    OpenContext: 0x77,
    dwPrivileges: 4,
    dwMediaModes: 0x10,
    pCallParams: null,
    dwAsciiCallParamsCodePage: TAPI_NO_DATA,
    pGetCallParams: 0,
    hRemoteLine: 0x55,
  };
  const bytes = serve(request, (r) => replyTo(r, { returnValue: 0, out: { hLine: 0x99, pGetCallParams: TAPI_NO_DATA } }));
  expect([u32(bytes, 16), u32(bytes, 40), u32(bytes, 48), u32(bytes, 52)]).toEqual([0x99, TAPI_NO_DATA, TAPI_NO_DATA, 0x55]);
  expect(ok(decodeReply('lOpen', bytes)).slots.hLine).toBe(0x99);
});

test('GetCallInfo: LINECALLINFO in VarData, its offset in lpCallInfo @12, read up to dwUsedSize', () => {
  const info = varStruct(1000, 344);
  const bytes = serve({ func: 'lGetCallInfo', hCall: 5, lpCallInfo: 1000 }, (r) => replyTo(r, { returnValue: 0, outputs: { lpCallInfo: info } }));
  expect(u32(bytes, 12)).toBe(0);
  expect(bytes.subarray(60, 60 + 344)).toEqual(info);
  expect(ok(decodeReply('lGetCallInfo', bytes)).outputs.lpCallInfo).toEqual(info);
});

test('GetCallInfo failing: the slot keeps the allocated size and nothing is read from VarData', () => {
  const bytes = serve({ func: 'lGetCallInfo', hCall: 5, lpCallInfo: 1000 }, (r) => replyTo(r, { returnValue: LINEERR_INVALCALLHANDLE }));
  expect([u32(bytes, 0), u32(bytes, 12), bytes.length]).toEqual([LINEERR_INVALCALLHANDLE, 1000, 60]);
  expect(ok(decodeReply('lGetCallInfo', bytes))).toEqual({ func: 'lGetCallInfo', returnValue: LINEERR_INVALCALLHANDLE, slots: { hCall: 5, lpCallInfo: 1000 }, outputs: {} });
});

test.each([
  ['lGetCallStatus', 12, 'lpCallStatus'],
  ['lGetNewCalls', 20, 'pCallList'],
  ['lGetDevCaps', 24, 'lpLineDevCaps'],
  ['lGetAddressCaps', 28, 'lpAddressCaps'],
  ['lGetID', 24, 'lpDeviceID'],
] as const)('%s: the output offset is at @%d', (func, offset, slot) => {
  const slots = Object.fromEntries(REQUEST_LAYOUTS[func].slots.map((s) => [s.name, 0]));
  const reply = { func, returnValue: 0, slots, outputs: { [slot]: varStruct(64, 28) } } as unknown as TrpReply;
  const bytes = ok(encodeReply(reply));
  expect(u32(bytes, offset)).toBe(0);
  expect((ok(decodeReply(func, bytes)).outputs as Record<string, Uint8Array>)[slot]).toEqual(varStruct(64, 28));
});

test('NegotiateAPIVersion: dwNegotiatedVersion @24, LINEEXTENSIONID offset @28, dwSize 16 @32', () => {
  const ext = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const request: RequestPacket<'lNegotiateAPIVersion'> = {
    func: 'lNegotiateAPIVersion',
    hLineApp: 1,
    dwDeviceID: 2,
    dwVersion: 0x00010003,
    dwVersionCurrent: 0x00030001,
    dwNegotiatedVersion: TAPI_NO_DATA,
    ExtensionID: TAPI_NO_DATA,
    dwSize: 16,
  };
  const bytes = serve(request, (r) => replyTo(r, { returnValue: 0, out: { dwNegotiatedVersion: 0x00020002 }, outputs: { ExtensionID: ext } }));
  expect([u32(bytes, 24), u32(bytes, 28), u32(bytes, 32)]).toEqual([0x00020002, 0, 16]);
  const reply = ok(decodeReply('lNegotiateAPIVersion', bytes));
  expect(reply.outputs.ExtensionID).toEqual(ext);
  expect(reply.slots.dwNegotiatedVersion).toBe(0x00020002);
});

test('GetAsyncEvents: packed events at VarData 0, dwNeededBufferSize @12 and dwUsedBufferSize @16', () => {
  const events = encodeAsyncEvents([
    { type: 'LINE_CALLSTATE', InitContext: 1, dwCallStateMode: 0, hCall: 2, OpenContext: 3, dwCallState: 2, dwCallPrivilege: 4, dwMediaMode: 0x10, hRemoteLine: 5 },
    { type: 'LINE_CLOSE', InitContext: 1, hRemoteLine: 5, OpenContext: 3 },
  ]);
  if (isAsyncEventError(events)) throw new Error(events.toString());
  const bytes = serve({ func: 'GetAsyncEvents', dwTotalBufferSize: 1024, dwNeededBufferSize: 0, dwUsedBufferSize: 0 }, (r) =>
    replyTo(r, { returnValue: 0, out: { dwNeededBufferSize: 80 }, outputs: { dwUsedBufferSize: events } }),
  );
  expect([u32(bytes, 8), u32(bytes, 12), u32(bytes, 16), u32(bytes, 60 + 16)]).toEqual([1024, 80, 80, LINE_CALLSTATE]);
  const reply = ok(decodeReply('GetAsyncEvents', bytes));
  const decoded = decodeAsyncEvents(reply.outputs.dwUsedBufferSize!);
  expect(isAsyncEventError(decoded) ? decoded : decoded.map((e) => e.type)).toEqual(['LINE_CALLSTATE', 'LINE_CLOSE']);
});

test('MakeCall (asynchronous): a positive request ID and no outputs', () => {
  const bytes = serve(
    { func: 'lMakeCall', dwRequestID: 0, lpContext: 9, hLine: 1, lphCallContext: 8, lpszDestAddress: '555', dwCountryCode: 0, lpCallParams: null, dwCallParamsCodePage: TAPI_NO_DATA },
    (r) => replyTo(r, { returnValue: 0x42 }),
  );
  const reply = ok(decodeReply('lMakeCall', bytes));
  expect([reply.returnValue, reply.slots.lpContext, reply.slots.lphCallContext]).toEqual([0x42, 9, 8]);
  expect(returnValueMeaning(reply.returnValue, true)).toEqual({ kind: 'request-id', requestId: 0x42 });
});

describe('Ack_ReturnValue', () => {
  test.each([
    [0, false, { kind: 'success' }],
    [LINEERR_RESOURCEUNAVAIL, false, { kind: 'error', code: LINEERR_RESOURCEUNAVAIL }],
    [TAPIERR_INVALRPCCONTEXT, false, { kind: 'error', code: TAPIERR_INVALRPCCONTEXT }],
    [7, false, { kind: 'unexpected', value: 7 }],
    [0x7fffffff, true, { kind: 'request-id', requestId: 0x7fffffff }],
    [LINEERR_INVALCALLHANDLE, true, { kind: 'error', code: LINEERR_INVALCALLHANDLE }],
    [0, true, { kind: 'unexpected', value: 0 }],
  ] as const)('%d (async %s)', (value, async, meaning) => {
    expect(returnValueMeaning(value, async)).toEqual(meaning);
  });
});

describe('bad replies', () => {
  const cases: ReadonlyArray<readonly [string, RequestFuncName, Uint8Array, number, string, number]> = [
    ['short', 'lClose', new Uint8Array(40), LINEERR_INVALPARAM, 'TAPI32_MSG', 40],
    ['output offset outside VarData', 'lGetCallInfo', handPacket(0, [[12, 64]], new Uint8Array(64)), LINEERR_INVALPOINTER, 'lpCallInfo', 12],
    ['output offset misaligned', 'lGetCallInfo', handPacket(0, [[12, 2]], varStructAt(2, 64)), LINEERR_INVALPOINTER, 'lpCallInfo', 12],
    ['dwUsedSize past VarData', 'lGetCallStatus', handPacket(0, [[12, 0]], withUsed(varStruct(64, 28), 29)), LINEERR_INVALPOINTER, 'lpCallStatus', 12],
    ['dwUsedSize below the header', 'lGetDevCaps', handPacket(0, [[24, 0]], withUsed(varStruct(64, 28), 8)), LINEERR_INVALPOINTER, 'lpLineDevCaps', 24],
    ['ExtensionID size past VarData', 'lNegotiateAPIVersion', handPacket(0, [[28, 0], [32, 17]], new Uint8Array(16)), LINEERR_INVALPOINTER, 'ExtensionID', 28],
    ['dwUsedBufferSize past VarData', 'GetAsyncEvents', handPacket(0, [[16, 44]], new Uint8Array(40)), LINEERR_INVALPOINTER, 'dwUsedBufferSize', 16],
  ];
  test.each(cases)('%s', (_name, func, bytes, lineErr, field, offset) => {
    const result = decodeReply(func, bytes);
    expect(isTrpPacketError(result) && [result.lineErr, result.field, result.offset]).toEqual([lineErr, field, offset]);
  });

  test('an error return value is not checked against VarData', () => {
    const bytes = handPacket(LINEERR_INVALCALLHANDLE, [[12, 0xffffffff]]);
    expect(isTrpPacketError(decodeReply('lGetCallInfo', bytes))).toBe(false);
  });

  test('encoding a reply with a slot that is not a DWORD', () => {
    const result = encodeReply({ func: 'lClose', returnValue: 0, slots: { hLine: -3 }, outputs: {} });
    expect(isTrpPacketError(result) && [result.reason, result.field, result.offset]).toEqual(['bad-value', 'hLine', 8]);
  });

  test('replyTo refuses an OUT slot the function does not have', () => {
    const request: RequestPacket<'lClose'> = { func: 'lClose', hLine: 1 };
    const result = replyTo(request, { returnValue: 0, out: { nope: 1 } as unknown as Record<string, never> });
    expect(isTrpPacketError(result) && result.field).toBe('nope');
  });
});

function varStructAt(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  bytes.set(varStruct(64, 28), offset);
  return bytes;
}

function withUsed(bytes: Uint8Array, used: number): Uint8Array {
  putU32(bytes, 8, used);
  return bytes;
}
