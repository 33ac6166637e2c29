import { LINEERR_STRUCTURETOOSMALL } from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { writeTapiStruct } from '../../tapi/tapi-var-struct.js';
import { unicodeOfAscii, unicodeZ } from '../../tapi/unicode-text.js';

const dw = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

describe('writeTapiStruct: TAPI size rules (ms-trp.md §2.2, §6.3)', () => {
  const caller = new Uint8Array([0x35, 0x35, 0x35, 0]);
  const value = { scalars: { dwStringFormat: 4 }, parts: { String: new Uint8Array([1, 2, 3, 4, 5]) } };

  it('below the fixed size of the version: LINEERR_STRUCTURETOOSMALL, nothing written', () => {
    expect(writeTapiStruct('VARSTRING', 0x0002_0000, 23, value)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    // LINECALLINFO's fixed size depends on the version: 296 is enough for 1.4, not for 2.0 (324) or 3.0 (344).
    expect(writeTapiStruct('LINECALLINFO', 0x0001_0004, 296, {})).toBeInstanceOf(Uint8Array);
    expect(writeTapiStruct('LINECALLINFO', 0x0002_0000, 296, {})).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    expect(writeTapiStruct('LINECALLINFO', 0x0003_0000, 343, {})).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
  });

  it('fixed part fits, variable data does not: the fixed part filled, dwNeededSize says how much, the part absent', () => {
    const b = writeTapiStruct('VARSTRING', 0x0002_0000, 28, value) as Uint8Array;
    expect(b.length).toBe(24);
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([28, 29, 24]);
    expect([dw(b, 12), dw(b, 16), dw(b, 20)]).toEqual([4, 0, 0]);
  });

  it('everything fits: the parts after the fixed part, DWORD-aligned, offsets from the structure start', () => {
    const b = writeTapiStruct('LINECALLINFO', 0x0001_0004, 400, { scalars: { dwNumOwners: 2 }, parts: { CallerID: caller, CallerIDName: new Uint8Array([0x41, 0x42, 0]), CalledID: caller } }) as Uint8Array;
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([400, 308, 308]);
    expect(b.length).toBe(308);
    expect(dw(b, 92)).toBe(2);
    // CallerID at 296, CallerIDName at 300 (4 bytes after), CalledID at 304 (3 bytes padded to 4).
    expect([dw(b, 112), dw(b, 116), dw(b, 120), dw(b, 124), dw(b, 132), dw(b, 136)]).toEqual([4, 296, 3, 300, 4, 304]);
    expect(Array.from(b.subarray(296, 300))).toEqual(Array.from(caller));
    expect(b[303]).toBe(0);
  });

  it('members and parts of later versions are left out of an earlier version\'s structure', () => {
    const b = writeTapiStruct('LINECALLINFO', 0x0001_0004, 1000, { scalars: { dwCallTreatment: 7, dwCallerIDAddressType: 9 }, parts: { CallData: new Uint8Array([1, 2, 3, 4]) } }) as Uint8Array;
    expect(b.length).toBe(296);
    expect(dw(b, 4)).toBe(296);
    const v3 = writeTapiStruct('LINECALLINFO', 0x0003_0000, 1000, { scalars: { dwCallTreatment: 7, dwCallerIDAddressType: 9 }, parts: { CallData: new Uint8Array([1, 2, 3, 4]) } }) as Uint8Array;
    expect([dw(v3, 296), dw(v3, 300), dw(v3, 304), dw(v3, 324)]).toEqual([7, 4, 344, 9]);
  });

  it('sizes and offsets of parts are the writer\'s own: given scalars for them are ignored', () => {
    const b = writeTapiStruct('VARSTRING', 0x0002_0000, 24, { scalars: { dwStringSize: 99, dwStringOffset: 77 } }) as Uint8Array;
    expect([dw(b, 16), dw(b, 20)]).toEqual([0, 0]);
  });

  it('SYSTEMTIME members are WORDs', () => {
    const b = writeTapiStruct('LINECALLSTATUS', 0x0002_0000, 56, { scalars: { 'tStateEntryTime.wYear': 2024, 'tStateEntryTime.wMonth': 5 } }) as Uint8Array;
    expect(new DataView(b.buffer).getUint16(40, true)).toBe(2024);
    expect(new DataView(b.buffer).getUint16(42, true)).toBe(5);
  });
});

describe('unicodeOfAscii, unicodeZ', () => {
  it('widen every byte, keep embedded NULs, add a missing final NUL', () => {
    expect(Array.from(unicodeOfAscii(new Uint8Array([0x49, 0, 0x58, 0])))).toEqual([0x49, 0, 0, 0, 0x58, 0, 0, 0]);
    expect(Array.from(unicodeOfAscii(new Uint8Array([0x41])))).toEqual([0x41, 0, 0, 0]);
    expect(unicodeOfAscii(new Uint8Array(0)).length).toBe(0);
    expect(Array.from(unicodeZ('Hi'))).toEqual([0x48, 0, 0x69, 0, 0, 0]);
  });
});
