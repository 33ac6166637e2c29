import {
  LINECALLINFOSTATE_MEDIAMODE,
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERDECR,
  LINECALLINFOSTATE_NUMOWNERINCR,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_UNKNOWN,
  LINEERR_TARGETNOTFOUND,
  LINEERR_TARGETSELF,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_UNKNOWN,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  LINE_REPLY,
} from '../../oid/index.js';
import { HandoffPriorities } from '../../tapi/handoff-priorities.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, msgs, settle, tapiRig } from './tapi-rig.js';

/*
 * The unknown media mode (ms-trp.md §7.4): a call offered with LINEMEDIAMODE_UNKNOWN and candidate
 * bits goes to the unknown application, which probes and hands it off by media mode; media
 * applications hand it on or back to UNKNOWN; without an unknown application TAPI plays one.
 * And §7.9's other "unknown": a call another application made reaches monitors through
 * LINECALLSTATE_UNKNOWN, with no LINE_CALLINFO.
 */

const OFFERED = LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_G3FAX;

describe('an unknown application is running (§7.4 A)', () => {
  it('gets the call; TARGETSELF makes it probe itself; it clears the failed bit, hands off by the next, drops to monitor; the fax application keeps it', async () => {
    const { server, app, open, drain, sim } = await tapiRig();
    const probe = app('probe.exe');
    const fax = app('fax.exe');
    const mon = app('mon.exe');
    await open(probe, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_INTERACTIVEVOICE);
    await open(fax, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_G3FAX);
    await open(mon, LINECALLPRIVILEGE_MONITOR, 0);
    expect(sim.remote.offer({ mediaMode: OFFERED }).ok).toBe(true);
    const first = drain(probe);
    expect(msgs(first)).toEqual([
      [LINE_APPNEWCALL, 0, first[0]!.param2, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINECALLPRIVILEGE_OWNER],
    ]);
    const hProbe = first[0]!.param2;
    const hMon = drain(mon)[0]!.param2;
    expect(drain(fax)).toEqual([]);
    // The highest candidate in probing order is INTERACTIVEVOICE, and the unknown application is itself the top voice application.
    expect(server.handoff(hProbe, undefined, LINEMEDIAMODE_INTERACTIVEVOICE)).toBe(lineErr(LINEERR_TARGETSELF));
    // Its own probe fails: the bit goes (UNKNOWN stays), every holder hears of it.
    expect(await server.setMediaMode(hProbe, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_G3FAX)).toBe(0);
    expect(msgs(drain(probe))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_MEDIAMODE, 0, 0]]);
    expect(msgs(drain(mon))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_MEDIAMODE, 0, 0]]);
    // Next candidate: G3FAX, to the fax application.
    expect(server.handoff(hProbe, undefined, LINEMEDIAMODE_G3FAX)).toBe(0);
    const handed = drain(fax);
    expect(msgs(handed)).toEqual([
      [LINE_APPNEWCALL, 0, handed[0]!.param2, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINECALLPRIVILEGE_OWNER],
    ]);
    const hFax = handed[0]!.param2;
    expect(msgs(drain(mon))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMOWNERINCR, 0, 0]]);
    // The unknown application becomes a monitor.
    expect(server.setCallPrivilege(hProbe, LINECALLPRIVILEGE_MONITOR)).toBe(0);
    expect(msgs(drain(fax))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMOWNERDECR | LINECALLINFOSTATE_NUMMONITORS, 0, 0]]);
    // The fax application detects fax: UNKNOWN off, and a handoff to its own mode keeps the call (TARGETSELF).
    expect(await server.setMediaMode(hFax, LINEMEDIAMODE_G3FAX)).toBe(0);
    expect(server.handoff(hFax, undefined, LINEMEDIAMODE_G3FAX)).toBe(lineErr(LINEERR_TARGETSELF));
    server.answer(hFax);
    await settle();
    expect(drain(fax).some((m) => m.msg === LINE_CALLSTATE && m.param1 === LINECALLSTATE_CONNECTED)).toBe(true);
    const info = (await server.getCallInfo(hMon, 1024)) as Uint8Array;
    expect([dw(info, 32), dw(info, 92), dw(info, 96)]).toEqual([LINEMEDIAMODE_G3FAX, 1, 2]);
  });

  it('a media application whose probe fails clears its bit and hands the call back to UNKNOWN; with no unknown application that fails', async () => {
    const { server, app, open, drain, sim } = await tapiRig({ priorities: new HandoffPriorities({ [LINEMEDIAMODE_UNKNOWN]: ['probe.exe'] }) });
    const probe = app('probe.exe');
    const voice = app('voice.exe');
    const fax = app('fax.exe');
    const hProbeLine = await open(probe, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_UNKNOWN);
    await open(voice, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_INTERACTIVEVOICE);
    await open(fax, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_G3FAX);
    sim.remote.offer({ mediaMode: OFFERED });
    const hProbe = drain(probe)[0]!.param2;
    expect(server.handoff(hProbe, undefined, LINEMEDIAMODE_INTERACTIVEVOICE)).toBe(0);
    const hVoice = drain(voice)[0]!.param2;
    expect(msgs(drain(probe))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMOWNERINCR, 0, 0]]);
    expect(await server.deallocateCall(hProbe)).toBe(0);
    // Voice probes and fails: clears its bit, hands back to UNKNOWN: the unknown application, handle-less now, gets a new one.
    expect(await server.setMediaMode(hVoice, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_G3FAX)).toBe(0);
    drain(voice);
    expect(server.handoff(hVoice, undefined, LINEMEDIAMODE_UNKNOWN)).toBe(0);
    const back = drain(probe);
    expect(msgs(back)).toEqual([
      [LINE_APPNEWCALL, 0, back[0]!.param2, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINECALLPRIVILEGE_OWNER],
    ]);
    expect(await server.deallocateCall(hVoice)).toBe(0);
    expect(server.handoff(back[0]!.param2, undefined, LINEMEDIAMODE_G3FAX)).toBe(0);
    const hFax = drain(fax)[0]!.param2;
    expect(server.privilegeOf(hFax)).toBe(LINECALLPRIVILEGE_OWNER);
    // Without an unknown application, the final handoff to UNKNOWN finds no target.
    expect(await server.close(hProbeLine)).toBe(0);
    expect(server.handoff(hFax, undefined, LINEMEDIAMODE_UNKNOWN)).toBe(lineErr(LINEERR_TARGETNOTFOUND));
  });
});

describe('no unknown application (§7.4 B): TAPI plays one', () => {
  it('the highest-priority candidate bit that has an owner wins; bits before it, nobody\'s, are cleared', async () => {
    const { server, app, open, drain, miniport, shim } = await tapiRig();
    const fax = app('fax.exe');
    const mon = app('mon.exe');
    await open(fax, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_G3FAX);
    await open(mon, LINECALLPRIVILEGE_MONITOR, 0);
    // A miniport offering voice nobody opened for (the simulated one would not): LINE_NEWCALL, then OFFERING.
    const htLine = shim.htLineFor(0);
    const htCall = miniport.indicate(htLine, 0, LINE_NEWCALL, 0x7770);
    miniport.indicate(htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, OFFERED);
    const got = drain(fax);
    expect(msgs(got)[0]).toEqual([LINE_APPNEWCALL, 0, got[0]!.param2, LINECALLPRIVILEGE_OWNER]);
    expect(server.callOf(got[0]!.param2)!.mediaMode).toBe(LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_G3FAX);
    expect(msgs(drain(mon))[0]).toEqual([LINE_APPNEWCALL, 0, expect.any(Number), LINECALLPRIVILEGE_MONITOR]);
  });

  it('the probing order decides between two candidates, whatever the order they opened in', async () => {
    const { server, app, open, drain, miniport, shim } = await tapiRig();
    const digital = app('digital.exe');
    const modem = app('modem.exe');
    await open(digital, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(modem, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DATAMODEM);
    const htLine = shim.htLineFor(0);
    const htCall = miniport.indicate(htLine, 0, LINE_NEWCALL, 0x7771);
    miniport.indicate(htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_DIGITALDATA);
    // DATAMODEM (2nd in probing order) before DIGITALDATA (6th); nothing is cleared.
    const got = drain(modem);
    expect(msgs(got)[0]![3]).toBe(LINECALLPRIVILEGE_OWNER);
    expect(server.callOf(got[0]!.param2)!.mediaMode).toBe(LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_DIGITALDATA);
    expect(drain(digital)).toEqual([]);
  });
});

describe('a call another application made reaches monitors through LINECALLSTATE_UNKNOWN (§4.3, §7.9)', () => {
  it('monitors get LINE_APPNEWCALL, LINE_CALLSTATE(UNKNOWN) then the real state; nobody gets LINE_CALLINFO for it', async () => {
    const { server, app, open, drain, clock } = await tapiRig();
    const dialer = app('dialer.exe');
    const mon = app('mon.exe');
    const mon2 = app('mon2.exe');
    const hLine = await open(dialer, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(mon, LINECALLPRIVILEGE_MONITOR, 0, 0x30);
    await open(mon2, LINECALLPRIVILEGE_MONITOR, 0);
    const id = server.makeCall(hLine, '5551234');
    await settle();
    const d = drain(dialer);
    const reply = d.find((m) => m.msg === LINE_REPLY && m.param1 === id)!;
    expect(reply.param2).toBe(0);
    expect(d.filter((m) => m.msg === LINE_CALLINFO)).toEqual([]);
    // The miniport reports the call's progress a moment later: the real state reaches the monitors then.
    clock.advance(1_000);
    for (const a of [mon, mon2]) {
      const got = drain(a);
      expect(msgs(got.slice(0, 2))).toEqual([
        [LINE_APPNEWCALL, 0, got[0]!.param2, LINECALLPRIVILEGE_MONITOR],
        [LINE_CALLSTATE, LINECALLSTATE_UNKNOWN, 0, LINECALLPRIVILEGE_MONITOR],
      ]);
      expect(got[2]).toMatchObject({ msg: LINE_CALLSTATE, param3: 0 });
      expect(got[2]!.param1).not.toBe(LINECALLSTATE_UNKNOWN);
      expect(got.filter((m) => m.msg === LINE_CALLINFO)).toEqual([]);
    }
    expect(drain(dialer).filter((m) => m.msg === LINE_CALLINFO)).toEqual([]);
    const info = (await server.getCallInfo(reply.param3, 1024)) as Uint8Array;
    expect([dw(info, 92), dw(info, 96)]).toEqual([1, 2]);
  });
});
