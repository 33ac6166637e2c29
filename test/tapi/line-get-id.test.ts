import {
  LINECALLPRIVILEGE_OWNER,
  LINECALLSELECT_ADDRESS,
  LINECALLSELECT_CALL,
  LINECALLSELECT_CALLID,
  LINECALLSELECT_LINE,
  LINEERR_INVALADDRESSID,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALCALLSELECT,
  LINEERR_INVALDEVICECLASS,
  LINEERR_INVALLINEHANDLE,
  LINEERR_NODEVICE,
  LINEERR_STRUCTURETOOSMALL,
  LINEMEDIAMODE_DIGITALDATA,
  STRINGFORMAT_BINARY,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, settle, tapiRig } from './tapi-rig.js';

/* lineGetID: OID_TAPI_GET_ID's VAR_STRING as the application's VARSTRING (ms-trp.md §6.4). */

describe('lineGetID', () => {
  it('"tapi/line" for a line or an address gives the device id, "ndis" for a connected call its NdisLinkContext', async () => {
    const { server, app, open, incoming, shim } = await tapiRig();
    const a = app('agent.exe');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const line = (await server.getId(hLine, 0, 0, LINECALLSELECT_LINE, 'tapi/line', 64)) as Uint8Array;
    expect([dw(line, 0), dw(line, 4), dw(line, 8)]).toEqual([64, 28, 28]);
    expect([dw(line, 12), dw(line, 16), dw(line, 20), dw(line, 24)]).toEqual([STRINGFORMAT_BINARY, 4, 24, 0]);
    const address = (await server.getId(hLine, 0, 0, LINECALLSELECT_ADDRESS, 'TAPI/LINE', 64)) as Uint8Array;
    expect(dw(address, 24)).toBe(0);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    server.answer(hCall);
    await settle();
    const link = (await server.getId(0, 0, hCall, LINECALLSELECT_CALL, 'ndis', 64)) as Uint8Array;
    const htCall = [...shim.calls.keys()][0]!;
    expect(dw(link, 24)).toBe(shim.calls.get(htCall)!.linkContext);
    // Too small for the id: the header only, dwNeededSize says how much.
    const short = (await server.getId(hLine, 0, 0, LINECALLSELECT_LINE, 'tapi/line', 24)) as Uint8Array;
    expect([short.length, dw(short, 4), dw(short, 8), dw(short, 16)]).toEqual([24, 28, 24, 0]);
  });

  it('refuses a bad selection, handle, address, class or size, each with its LINEERR_', async () => {
    const { server, app, open, incoming } = await tapiRig();
    const a = app('agent.exe');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    expect(await server.getId(hLine, 0, hCall, LINECALLSELECT_CALLID, 'tapi/line', 64)).toBe(lineErr(LINEERR_INVALCALLSELECT));
    expect(await server.getId(hLine, 0, hCall, LINECALLSELECT_LINE | LINECALLSELECT_CALL, 'tapi/line', 64)).toBe(lineErr(LINEERR_INVALCALLSELECT));
    expect(await server.getId(0x9999, 0, 0, LINECALLSELECT_LINE, 'tapi/line', 64)).toBe(lineErr(LINEERR_INVALLINEHANDLE));
    expect(await server.getId(0, 0, 0x9999, LINECALLSELECT_CALL, 'tapi/line', 64)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(await server.getId(hLine, 5, 0, LINECALLSELECT_ADDRESS, 'tapi/line', 64)).toBe(lineErr(LINEERR_INVALADDRESSID));
    expect(await server.getId(hLine, 0, 0, LINECALLSELECT_LINE, '', 64)).toBe(lineErr(LINEERR_INVALDEVICECLASS));
    // A class the miniport does not serve: its NDIS_STATUS_TAPI_NODEVICE.
    expect(await server.getId(hLine, 0, 0, LINECALLSELECT_LINE, 'comm/datamodem', 64)).toBe(lineErr(LINEERR_NODEVICE));
    expect(await server.getId(hLine, 0, 0, LINECALLSELECT_LINE, 'tapi/line', 23)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
  });
});
