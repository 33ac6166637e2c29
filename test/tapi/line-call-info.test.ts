import {
  LINECALLORIGIN_INBOUND,
  LINECALLORIGIN_OUTBOUND,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINEERR_INVALCALLHANDLE,
  LINEERR_STRUCTURETOOSMALL,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_REPLY,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, settle, tapiRig, text16 } from './tapi-rig.js';

/* lineGetCallInfo: the miniport's LINE_CALL_INFO as LINECALLINFO, with the server's own members (ms-trp.md §6.1). */

describe('lineGetCallInfo', () => {
  it('gives the owner and a monitor each their own hLine, the server\'s counts and call id, the caller id as UTF-16', async () => {
    const { server, app, open, drain, incoming } = await tapiRig();
    const owner = app('agent.exe');
    const monitor = app('mon.exe');
    const ownerLine = await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const monitorLine = await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    const hCall = incoming(owner, LINEMEDIAMODE_DIGITALDATA, '5550100');
    const hMon = drain(monitor)[0]!.param2;
    const info = await server.getCallInfo(hCall, 1024);
    expect(info).toBeInstanceOf(Uint8Array);
    const b = info as Uint8Array;
    // dwTotalSize is what the caller allocated; dwNeededSize = dwUsedSize = the bytes returned.
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([1024, b.length, b.length]);
    expect(dw(b, 12)).toBe(ownerLine);
    expect(dw(b, 16)).toBe(0);
    expect(dw(b, 32)).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(dw(b, 40)).toBe(server.callOf(hCall)!.callId);
    expect(dw(b, 80)).toBe(LINECALLORIGIN_INBOUND);
    expect([dw(b, 92), dw(b, 96)]).toEqual([1, 1]);
    // Caller id after the 3.0 fixed part (344), as UTF-16LE with its NUL.
    expect([dw(b, 112), dw(b, 116)]).toEqual([16, 344]);
    expect(text16(b, dw(b, 116), dw(b, 112))).toBe('5550100');
    // No application made an incoming call: no app name.
    expect([dw(b, 208), dw(b, 212)]).toEqual([0, 0]);
    const seen = (await server.getCallInfo(hMon, 1024)) as Uint8Array;
    expect(dw(seen, 12)).toBe(monitorLine);
    expect(dw(seen, 40)).toBe(dw(b, 40));
  });

  it('names the application that made an outgoing call, and counts its owner', async () => {
    const { server, app, open, drain } = await tapiRig();
    const a = app('dialer.exe');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const id = server.makeCall(hLine, '5551234');
    await settle();
    const reply = drain(a).find((m) => m.msg === LINE_REPLY && m.param1 === id)!;
    const b = (await server.getCallInfo(reply.param3, 2048)) as Uint8Array;
    expect(dw(b, 80)).toBe(LINECALLORIGIN_OUTBOUND);
    expect([dw(b, 92), dw(b, 96)]).toEqual([1, 0]);
    expect(text16(b, dw(b, 212), dw(b, 208))).toBe('dialer.exe');
  });

  it('follows the version the line was opened with, and the size rules for too small a structure', async () => {
    const { server, app, open, incoming, drain } = await tapiRig();
    const v3 = app('three.exe');
    await open(v3, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0, 0x0003_0000);
    const old = app('old.exe');
    await open(old, LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR, LINEMEDIAMODE_DIGITALDATA, 0, 0x0001_0004);
    const hCall = incoming(v3, LINEMEDIAMODE_DIGITALDATA, '5550100');
    // Below the 3.0 fixed size (344): LINEERR_STRUCTURETOOSMALL.
    expect(await server.getCallInfo(hCall, 343)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    expect(await server.getCallInfo(hCall, 0)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    // The fixed part fits, the caller id does not: fixed part only, dwNeededSize says how much.
    const fixed = (await server.getCallInfo(hCall, 350)) as Uint8Array;
    expect(fixed.length).toBe(344);
    expect([dw(fixed, 0), dw(fixed, 4), dw(fixed, 8)]).toEqual([350, 344 + 16, 344]);
    expect([dw(fixed, 112), dw(fixed, 116)]).toEqual([0, 0]);
    expect(dw(fixed, 92)).toBe(1);
    // A 1.4 application gets the 296-byte structure, its variable data right after it.
    const hOld = drain(old)[0]!.param2;
    const b = (await server.getCallInfo(hOld, 296 + 16)) as Uint8Array;
    expect([dw(b, 4), dw(b, 8), dw(b, 116)]).toEqual([296 + 16, 296 + 16, 296]);
  });

  it('answers LINEERR_INVALCALLHANDLE for a handle that is not, or no longer, valid', async () => {
    const { server, app, open, incoming, sim } = await tapiRig();
    const a = app('agent.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    expect(await server.getCallInfo(0x7777, 1024)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    // Any call state: an idle call still has its info until it is deallocated.
    sim.remote.hangUp(sim.calls[0]!.hdCall);
    expect(await server.getCallInfo(hCall, 1024)).toBeInstanceOf(Uint8Array);
    expect(await server.deallocateCall(hCall)).toBe(0);
    expect(await server.getCallInfo(hCall, 1024)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
  });
});
