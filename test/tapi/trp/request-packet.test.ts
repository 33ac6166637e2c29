import {
  REQUEST_LAYOUTS,
  TAPI_NO_DATA,
  decodeRequest,
  encodeRequest,
  isTrpPacketError,
  type DecodedRequest,
  type EncodedRequest,
  type RequestPacket,
} from '../../../tapi/trp/index.js';
import { REF_REQUESTS, handPacket, u32, utf16z, type RefKind } from './reference-layouts.js';

/*
 * Every function's request: the encoder puts each field at the byte offset the reference
 * gives (section 3), reserved slots are zero, VarData items are DWORD-aligned and inside the
 * packet, and decoding the bytes gives back the packet.
 */

const STRINGS = ['CLIENT-PC', 'tapi/line', '+1 (555) 1234567', 'dialer.exe', ''];

/** A packet for `func` with a distinct value in every field, built from the reference transcription. */
function samplePacket(func: string): Record<string, unknown> {
  const ref = REF_REQUESTS[func]!;
  const packet: Record<string, unknown> = { func };
  ref.fields.forEach(([name, offset, kind], i) => {
    const values: Record<RefKind, unknown> = {
      n: (0x10000000 + offset * 0x1001 + i) >>> 0,
      nd: TAPI_NO_DATA,
      s: STRINGS[i % STRINGS.length]! + name,
      's?': `${name}-${i}`,
      b: Uint8Array.from([1, 2, 3, 4, 5, offset]),
      z: undefined,
      cp: callParams(28, offset),
      o: 400 + offset,
      x: TAPI_NO_DATA,
      cap: 512,
    };
    if (kind !== 'z') packet[name] = values[kind];
  });
  return packet;
}

/** A LINECALLPARAMS-shaped blob: dwTotalSize first, then a recognisable fill. */
function callParams(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size).map((_, i) => (seed + i) & 0xff);
  new DataView(bytes.buffer).setUint32(0, size, true);
  return bytes;
}

function encoded(packet: Record<string, unknown>): EncodedRequest {
  const result = encodeRequest(packet as unknown as RequestPacket);
  if (isTrpPacketError(result)) throw new Error(result.toString());
  return result;
}

function decoded(bytes: Uint8Array, neededSize?: number): DecodedRequest {
  const result = decodeRequest(bytes, neededSize === undefined ? {} : { neededSize });
  if (isTrpPacketError(result)) throw new Error(result.toString());
  return result;
}

const FUNCS = Object.keys(REF_REQUESTS);

test('the layout table has exactly the functions of the reference transcription', () => {
  expect(Object.keys(REQUEST_LAYOUTS).sort()).toEqual([...FUNCS].sort());
});

describe.each(FUNCS)('%s', (func) => {
  const ref = REF_REQUESTS[func]!;

  test('the table names the fields of the reference at its offsets, and its Req_Func', () => {
    const layout = REQUEST_LAYOUTS[func as keyof typeof REQUEST_LAYOUTS];
    expect(layout.reqFunc).toBe(ref.reqFunc);
    expect(layout.slots.map((s) => [s.name, s.at])).toEqual(ref.fields.map(([name, offset]) => [name, offset]));
  });

  test('encodes each field at the reference offset', () => {
    const packet = samplePacket(func);
    const { bytes, neededSize } = encoded(packet);
    const varData = bytes.subarray(60);
    expect(u32(bytes, 0)).toBe(ref.reqFunc);
    expect(bytes.length % 4).toBe(0);
    const named = new Set(ref.fields.map(([, offset]) => offset));
    for (let at = 4; at < 60; at += 4) if (!named.has(at)) expect([at, u32(bytes, at)]).toEqual([at, 0]);

    ref.fields.forEach(([name, offset, kind], i) => {
      const slot = u32(bytes, offset);
      const value = packet[name];
      switch (kind) {
        case 's':
        case 's?': {
          expect(slot % 4).toBe(0);
          const text = value as string;
          const end = slot + 2 * text.length + 2;
          expect(end).toBeLessThanOrEqual(varData.length);
          expect(Buffer.from(varData.subarray(slot, end)).toString('utf16le')).toBe(`${text}\0`);
          break;
        }
        case 'b':
        case 'cp': {
          const blob = value as Uint8Array;
          expect(slot % 4).toBe(0);
          expect(varData.slice(slot, slot + blob.length)).toEqual(blob);
          if (kind === 'b') expect(u32(bytes, ref.fields[i + 1]![1])).toBe(blob.length);
          break;
        }
        case 'z':
          break;
        default:
          expect([name, slot]).toEqual([name, value]);
      }
      if (kind === 'o' || kind === 'cap') expect(neededSize).toBeGreaterThanOrEqual(60 + (value as number));
      if (kind === 'x') expect(neededSize).toBeGreaterThanOrEqual(60 + 16);
    });
  });

  test('round-trips through decode, with no sender breach', () => {
    const packet = samplePacket(func);
    const { bytes, neededSize } = encoded(packet);
    const result = decoded(bytes, neededSize);
    expect(result.packet).toEqual(packet);
    expect(result.breaches).toEqual([]);
  });

  const optional = ref.fields.filter(([, , kind]) => kind === 's?' || kind === 'b' || kind === 'cp');
  if (optional.length > 0) {
    test('absent optional data is TAPI_NO_DATA on the wire and null decoded', () => {
      const packet = samplePacket(func);
      for (const [name] of optional) packet[name] = null;
      const { bytes, neededSize } = encoded(packet);
      for (const [, offset] of optional) expect(u32(bytes, offset)).toBe(TAPI_NO_DATA);
      expect(decoded(bytes, neededSize).packet).toEqual(packet);
    });
  }
});

describe('variable data', () => {
  test('Initialize with two strings and MakeCall with a string and a LINECALLPARAMS lay them out back to back, DWORD-aligned', () => {
    const init = encoded({
      func: 'lInitialize',
      hLineApp: 0,
      hInstance: 7,
      InitContext: 0xcafe,
      dwFriendlyNameOffset: 'ABC', // 8 bytes with its NUL
      dwNumDevs: 0,
      dwModuleNameOffset: 'ABCD', // 10 bytes: padded to 12
      dwAPIVersion: 0x00030001,
    });
    expect(u32(init.bytes, 20)).toBe(0);
    expect(u32(init.bytes, 28)).toBe(8);
    expect(init.bytes.length).toBe(60 + 8 + 12);
    expect(init.bytes.subarray(60 + 18)).toEqual(new Uint8Array(2)); // padding is zero

    const make = encoded({
      func: 'lMakeCall',
      dwRequestID: 0,
      lpContext: 1,
      hLine: 2,
      lphCallContext: 3,
      lpszDestAddress: '5551234', // 16 bytes
      dwCountryCode: 0,
      lpCallParams: callParams(180, 9),
      dwCallParamsCodePage: TAPI_NO_DATA,
    });
    expect([u32(make.bytes, 24), u32(make.bytes, 32)]).toEqual([0, 16]);
    expect(make.bytes.length).toBe(60 + 16 + 180);
  });

  test('decodes strings and blobs a client placed in any order, strings at WCHAR (not DWORD) alignment', () => {
    const varData = new Uint8Array(64);
    varData.set(utf16z('module'), 2); // 14 bytes at 2
    varData.set(utf16z('friendly'), 20); // 18 bytes at 20
    const bytes = handPacket(47, [[8, 0], [12, 1], [16, 2], [20, 20], [24, 0], [28, 2], [32, 0x20000]], varData);
    expect(decoded(bytes).packet).toEqual({
      func: 'lInitialize',
      hLineApp: 0,
      hInstance: 1,
      InitContext: 2,
      dwFriendlyNameOffset: 'friendly',
      dwNumDevs: 0,
      dwModuleNameOffset: 'module',
      dwAPIVersion: 0x20000,
    });
  });

  test('two fields may point at the same string, and a blob may end exactly at the end of VarData', () => {
    const varData = new Uint8Array(12);
    varData.set(utf16z('same'), 0);
    const init = handPacket(47, [[20, 0], [28, 0]], varData);
    const packet = decoded(init).packet;
    expect(packet.func === 'lInitialize' && [packet.dwFriendlyNameOffset, packet.dwModuleNameOffset]).toEqual(['same', 'same']);

    const uui = handPacket(7, [[8, 1], [12, 2], [16, 4], [20, 8]], Uint8Array.from([0, 0, 0, 0, 9, 8, 7, 6, 5, 4, 3, 2]));
    const answer = decoded(uui).packet;
    expect(answer.func === 'lAnswer' && answer.lpsUserUserInfo).toEqual(Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2]));
  });

  test('strings keep every UTF-16 code unit, unpaired surrogates included', () => {
    const packet = { func: 'lBlindTransfer', dwRequestID: 5, hCall: 6, lpszDestAddress: 'Zürich \u{1F4DE} \ud800x', dwCountryCode: 41 };
    expect(decoded(encoded(packet).bytes).packet).toEqual(packet);
  });

  test('an empty user-user info blob is present (not TAPI_NO_DATA) with dwSize 0', () => {
    const packet = { func: 'lDrop', dwRequestID: 1, hCall: 2, lpsUserUserInfo: new Uint8Array(0) };
    const { bytes } = encoded(packet);
    expect([u32(bytes, 16), u32(bytes, 20)]).toEqual([0, 0]);
    expect(decoded(bytes).packet).toEqual(packet);
  });
});
