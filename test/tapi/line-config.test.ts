import {
  LINECALLINFOSTATE_APPSPECIFIC,
  LINECALLINFOSTATE_MEDIAMODE,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_CONNECTED,
  LINEDEVSTATE_MSGWAITON,
  LINEDEVSTATE_OPEN,
  LINEDEVSTATE_OUTOFSERVICE,
  LINEDEVSTATE_REINIT,
  LINEDEVSTATE_RINGING,
  LINEERR_INVALADDRESSSTATE,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_INVALLINESTATE,
  LINEERR_INVALMEDIAMODE,
  LINEERR_NOTOWNER,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G4FAX,
  LINEMEDIAMODE_UNKNOWN,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_LINEDEVSTATE,
  OID_TAPI_SET_STATUS_MESSAGES,
  codecFor,
  isCodecError,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, msgs, tapiRig } from './tapi-rig.js';

/* The configuration functions: SetDefaultMediaDetection, lineSetStatusMessages, lineSetMediaMode, lineSetAppSpecific. */

describe('SetDefaultMediaDetection', () => {
  it('makes an open an owner\'s for the modes given, and the miniport detects their union', async () => {
    const { server, app, open, drain, sim } = await tapiRig();
    const a = app('remote-pc');
    const hLine = await open(a, LINECALLPRIVILEGE_MONITOR, 0);
    // Nobody takes DIGITALDATA calls yet: the miniport does not even indicate them.
    expect(sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
    expect(await server.setDefaultMediaDetection(hLine, LINEMEDIAMODE_DIGITALDATA)).toBe(0);
    expect(sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
    expect(msgs(drain(a))[0]).toEqual([LINE_APPNEWCALL, 0, expect.any(Number), LINECALLPRIVILEGE_OWNER]);
    // 0: the open is no owner's any more, the line stops detecting the mode.
    expect(await server.setDefaultMediaDetection(hLine, 0)).toBe(0);
    expect(sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
  });

  it('refuses an undefined bit, a mode the line cannot detect (changing nothing), and a bad line handle', async () => {
    const { server, app, open, sim } = await tapiRig();
    const a = app('remote-pc');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    expect(await server.setDefaultMediaDetection(hLine, 0x1)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.setDefaultMediaDetection(hLine, 0x10000)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.setDefaultMediaDetection(hLine, LINEMEDIAMODE_G4FAX)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
    expect(await server.setDefaultMediaDetection(0x1234, LINEMEDIAMODE_DIGITALDATA)).toBe(lineErr(LINEERR_INVALLINEHANDLE));
  });
});

describe('lineSetStatusMessages', () => {
  it('refuses bits tapi.h does not define, states the miniport cannot report (changing nothing), and a bad line handle', async () => {
    const { server, app, open } = await tapiRig();
    const a = app('agent.exe');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    expect(await server.setStatusMessages(hLine, 0x0200_0000, 0)).toBe(lineErr(LINEERR_INVALLINESTATE));
    expect(await server.setStatusMessages(hLine, 0, 0x200)).toBe(lineErr(LINEERR_INVALADDRESSSTATE));
    expect(await server.setStatusMessages(hLine, LINEDEVSTATE_RINGING, 0)).toBe(0);
    expect(await server.setStatusMessages(hLine, LINEDEVSTATE_MSGWAITON, 0)).toBe(lineErr(LINEERR_INVALLINESTATE));
    expect(a.lines.get(hLine)!.lineStates).toBe(LINEDEVSTATE_RINGING);
    expect(await server.setStatusMessages(0x4321, LINEDEVSTATE_RINGING, 0)).toBe(lineErr(LINEERR_INVALLINEHANDLE));
  });

  it('does not ask the miniport for OPEN and CLOSE, which the server reports itself: a miniport whose lines lack them still serves them', async () => {
    const { server, app, open, drain, shim } = await tapiRig({ lineStates: LINEDEVSTATE_RINGING | LINEDEVSTATE_CONNECTED | LINEDEVSTATE_REINIT });
    const asked: number[] = [];
    const codec = codecFor('NDIS_TAPI_SET_STATUS_MESSAGES', shim.miniport.abi, shim.miniport.variant);
    shim.exchanges$.subscribe((x) => {
      if (x.type !== 'request' || x.oid !== OID_TAPI_SET_STATUS_MESSAGES) return;
      const v = codec.decode(x.buffer);
      if (!isCodecError(v)) asked.push(v.ulLineStates);
    });
    const a = app('agent.exe');
    const b = app('late.exe');
    const hA = await open(a, LINECALLPRIVILEGE_MONITOR, 0);
    expect(await server.setStatusMessages(hA, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_RINGING, 0)).toBe(0);
    expect(asked).toEqual([LINEDEVSTATE_RINGING]);
    expect(a.lines.get(hA)!.lineStates).toBe(LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_RINGING);
    const hB = await open(b, LINECALLPRIVILEGE_MONITOR, 0);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_OPEN, 0, 0]]);
    // Only the server's own states: nothing new for the miniport, so no OID at all.
    expect(await server.setStatusMessages(hB, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE, 0)).toBe(0);
    expect(asked).toEqual([LINEDEVSTATE_RINGING]);
    expect(await server.close(hB)).toBe(0);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_CLOSE, 0, 0]]);
    // A state neither the server nor this miniport reports: the miniport's refusal, LINEERR_INVALLINESTATE; nothing changes.
    expect(await server.setStatusMessages(hA, LINEDEVSTATE_OPEN | LINEDEVSTATE_OUTOFSERVICE, 0)).toBe(lineErr(LINEERR_INVALLINESTATE));
    expect(a.lines.get(hA)!.lineStates).toBe(LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE | LINEDEVSTATE_RINGING);
    expect(asked).toEqual([LINEDEVSTATE_RINGING, LINEDEVSTATE_OUTOFSERVICE]);
  });
});

describe('lineSetMediaMode', () => {
  it('an owner changes the call\'s media mode; every holder hears LINE_CALLINFO(MEDIAMODE); LINECALLINFO shows it', async () => {
    const { server, app, open, drain, incoming } = await tapiRig();
    const owner = app('agent.exe');
    const monitor = app('mon.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    const hCall = incoming(owner, LINEMEDIAMODE_DIGITALDATA);
    const hMon = drain(monitor)[0]!.param2;
    drain(owner);
    drain(monitor);
    expect(await server.setMediaMode(hCall, LINEMEDIAMODE_DATAMODEM)).toBe(0);
    expect(msgs(drain(owner))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_MEDIAMODE, 0, 0]]);
    expect(msgs(drain(monitor))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_MEDIAMODE, 0, 0]]);
    expect(dw((await server.getCallInfo(hMon, 1024)) as Uint8Array, 32)).toBe(LINEMEDIAMODE_DATAMODEM);
    expect(await server.setMediaMode(hCall, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_DIGITALDATA)).toBe(0);
    expect(server.callOf(hCall)!.mediaMode).toBe(LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_DIGITALDATA);
  });

  it('refuses a monitor, a bad handle, no mode, undefined bits, several known modes without UNKNOWN, a mode the line lacks', async () => {
    const { server, app, open, drain, incoming } = await tapiRig();
    const owner = app('agent.exe');
    const monitor = app('mon.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0, 0x0002_0000);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    const hCall = incoming(owner, LINEMEDIAMODE_DIGITALDATA);
    const hMon = drain(monitor)[0]!.param2;
    expect(await server.setMediaMode(hMon, LINEMEDIAMODE_DATAMODEM)).toBe(lineErr(LINEERR_NOTOWNER));
    expect(await server.setMediaMode(0x2222, LINEMEDIAMODE_DATAMODEM)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(await server.setMediaMode(hCall, 0)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.setMediaMode(hCall, 0x1)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.setMediaMode(hCall, LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_DIGITALDATA)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.setMediaMode(hCall, LINEMEDIAMODE_G4FAX)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(server.callOf(hCall)!.mediaMode).toBe(LINEMEDIAMODE_DIGITALDATA);
  });
});

describe('lineSetAppSpecific', () => {
  it('an owner sets it; every holder hears LINE_CALLINFO(APPSPECIFIC), but none once the call is idle; monitors may not', async () => {
    const { server, app, open, drain, incoming, sim } = await tapiRig();
    const owner = app('agent.exe');
    const monitor = app('mon.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    const hCall = incoming(owner, LINEMEDIAMODE_DIGITALDATA);
    const hMon = drain(monitor)[0]!.param2;
    drain(owner);
    expect(await server.setAppSpecific(hCall, 0xfeed_0001)).toBe(0);
    expect(msgs(drain(owner))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_APPSPECIFIC, 0, 0]]);
    expect(msgs(drain(monitor))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_APPSPECIFIC, 0, 0]]);
    expect(dw((await server.getCallInfo(hMon, 1024)) as Uint8Array, 36)).toBe(0xfeed_0001);
    expect(await server.setAppSpecific(hMon, 1)).toBe(lineErr(LINEERR_NOTOWNER));
    expect(await server.setAppSpecific(0x3333, 1)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    sim.remote.hangUp(sim.calls[0]!.hdCall);
    drain(owner);
    drain(monitor);
    expect(await server.setAppSpecific(hCall, 2)).toBe(0);
    expect(drain(owner)).toEqual([]);
    expect(drain(monitor)).toEqual([]);
  });
});
