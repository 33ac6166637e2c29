import {
  LINEDEVCAPFLAGS_CLOSEDROP,
  LINEERR_BADDEVICEID,
  LINEERR_INCOMPATIBLEAPIVERSION,
  LINEERR_INCOMPATIBLEEXTVERSION,
  LINEERR_INVALAPPHANDLE,
  LINEERR_STRUCTURETOOSMALL,
  STRINGFORMAT_UNICODE,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { RIG_MEDIA_MODES, dw, tapiRig, text16 } from './tapi-rig.js';

/* lineGetDevCaps: the miniport's LINE_DEV_CAPS (OID_TAPI_GET_DEV_CAPS) as LINEDEVCAPS (ms-trp.md §6.3). */

/** The NUL-separated strings of a UTF-16 block. */
const strings16 = (b: Uint8Array, at: number, size: number): string[] => {
  const out: string[] = [];
  let s = '';
  for (let i = 0; i + 1 < size; i += 2) {
    const c = b[at + i]! | (b[at + i + 1]! << 8);
    if (c === 0) {
      out.push(s);
      s = '';
    } else s += String.fromCharCode(c);
  }
  return out;
};

describe('lineGetDevCaps', () => {
  it('gives the line\'s capabilities with its provider info and name in UTF-16, no line open needed', async () => {
    const { server, app } = await tapiRig();
    const a = app('agent.exe');
    const b = (await server.getDevCaps(a.hLineApp, 1, 0x0003_0000, 0, 4096)) as Uint8Array;
    expect(b).toBeInstanceOf(Uint8Array);
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([4096, b.length, b.length]);
    expect(dw(b, 40)).toBe(STRINGFORMAT_UNICODE);
    expect(dw(b, 60)).toBe(RIG_MEDIA_MODES);
    expect(dw(b, 112) & LINEDEVCAPFLAGS_CLOSEDROP).toBe(LINEDEVCAPFLAGS_CLOSEDROP);
    // Provider info is "MediaName\0ProviderName\0"; both strings survive, each NUL-terminated.
    expect(dw(b, 16)).toBe(292);
    expect(strings16(b, dw(b, 16), dw(b, 12))).toEqual(['ISDN', 'wanemu']);
    expect(text16(b, dw(b, 36), dw(b, 32))).toBe('wanemu ISDN line 1');
    expect(dw(b, 28)).toBe(1);
  });

  it('sizes the structure by the version asked for', async () => {
    const { server, app } = await tapiRig();
    const a = app('agent.exe');
    const v13 = (await server.getDevCaps(a.hLineApp, 0, 0x0001_0003, 0, 4096)) as Uint8Array;
    expect(dw(v13, 16)).toBe(236);
    const v22 = (await server.getDevCaps(a.hLineApp, 0, 0x0002_0002, 0, 4096)) as Uint8Array;
    expect(dw(v22, 16)).toBe(268);
    expect(await server.getDevCaps(a.hLineApp, 0, 0x0003_0000, 0, 291)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    const fixed = (await server.getDevCaps(a.hLineApp, 0, 0x0003_0000, 0, 292)) as Uint8Array;
    expect([fixed.length, dw(fixed, 8), dw(fixed, 12), dw(fixed, 32)]).toEqual([292, 292, 0, 0]);
    expect(dw(fixed, 4)).toBeGreaterThan(292);
  });

  it('refuses a bad application handle, device id, API version or extension version, each with its LINEERR_', async () => {
    const { server, app } = await tapiRig();
    const a = app('agent.exe');
    expect(await server.getDevCaps(0x4444, 0, 0x0003_0000, 0, 4096)).toBe(lineErr(LINEERR_INVALAPPHANDLE));
    expect(await server.getDevCaps(a.hLineApp, 2, 0x0003_0000, 0, 4096)).toBe(lineErr(LINEERR_BADDEVICEID));
    expect(await server.getDevCaps(a.hLineApp, 0, 0x0001_0002, 0, 4096)).toBe(lineErr(LINEERR_INCOMPATIBLEAPIVERSION));
    expect(await server.getDevCaps(a.hLineApp, 0, 0x0003_0001, 0, 4096)).toBe(lineErr(LINEERR_INCOMPATIBLEAPIVERSION));
    expect(await server.getDevCaps(a.hLineApp, 0, 0x0003_0000, 0x0001_0000, 4096)).toBe(lineErr(LINEERR_INCOMPATIBLEEXTVERSION));
  });
});
