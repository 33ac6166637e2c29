import { LINEERR_BADDEVICEID, LINEERR_INVALADDRESSID, LINEERR_INVALAPPHANDLE, LINEERR_STRUCTURETOOSMALL } from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, tapiRig, text16 } from './tapi-rig.js';

/* lineGetAddressCaps: the miniport's LINE_ADDRESS_CAPS (OID_TAPI_GET_ADDRESS_CAPS) as LINEADDRESSCAPS. */

describe('lineGetAddressCaps', () => {
  it('gives one address\'s capabilities, its address in UTF-16 after the version\'s fixed part', async () => {
    const { server, app, sim } = await tapiRig();
    const a = app('agent.exe');
    const b = (await server.getAddressCaps(a.hLineApp, 1, 0, 0x0002_0000, 0, 1024)) as Uint8Array;
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([1024, b.length, b.length]);
    expect(dw(b, 12)).toBe(1);
    expect([dw(b, 16), dw(b, 20)]).toEqual([6, 228]);
    expect(text16(b, 228, 6)).toBe('10');
    // dwMaxNumActiveCalls at 84: the rig's calls per address.
    expect(dw(b, 84)).toBe(sim.config.callsPerAddress);
    const v13 = (await server.getAddressCaps(a.hLineApp, 1, 0, 0x0001_0003, 0, 1024)) as Uint8Array;
    expect(dw(v13, 20)).toBe(176);
  });

  it('refuses an unknown address, device or application, and a structure below its fixed size', async () => {
    const { server, app, sim } = await tapiRig();
    const a = app('agent.exe');
    expect(await server.getAddressCaps(a.hLineApp, 0, sim.config.addressesPerLine, 0x0002_0000, 0, 1024)).toBe(lineErr(LINEERR_INVALADDRESSID));
    expect(await server.getAddressCaps(a.hLineApp, 9, 0, 0x0002_0000, 0, 1024)).toBe(lineErr(LINEERR_BADDEVICEID));
    expect(await server.getAddressCaps(0x5, 0, 0, 0x0002_0000, 0, 1024)).toBe(lineErr(LINEERR_INVALAPPHANDLE));
    expect(await server.getAddressCaps(a.hLineApp, 0, 0, 0x0002_0000, 0, 227)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
  });
});
