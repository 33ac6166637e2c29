import {
  LINECALLINFOSTATE_NUMMONITORS,
  LINECALLINFOSTATE_NUMOWNERDECR,
  LINECALLINFOSTATE_NUMOWNERINCR,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_NONE,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALCALLSTATE,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALMEDIAMODE,
  LINEERR_INVALPRIVSELECT,
  LINEERR_NOTOWNER,
  LINEERR_TARGETNOTFOUND,
  LINEERR_TARGETSELF,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_APPNEWCALL,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_REPLY,
} from '../../oid/index.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { HandoffPriorities } from '../../tapi/handoff-priorities.js';
import type { LineApp } from '../../tapi/line-app.js';
import type { LineMessage } from '../../tapi/line-message.js';
import { lineErr } from '../../tapi/line-errors.js';
import { TapiServer } from '../../tapi/tapi-server.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

async function rig(priorities?: HandoffPriorities) {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock, callsPerAddress: 4, mediaModes: LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM });
  const shim = new NdisTapi(miniport, clock);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  const server = new TapiServer(shim, new NdisTapiClient(shim), priorities === undefined ? {} : { priorities });
  expect(await server.start()).toBe(0);
  const app = (name: string, ctx = 0): LineApp => {
    const r = server.initialize(name, name, ctx);
    if (typeof r === 'number') throw new Error(`initialize ${r}`);
    return server.app(r.hLineApp)!;
  };
  const open = async (a: LineApp, privileges: number, mediaModes: number, ctx = 0): Promise<number> => {
    const r = await server.open(a.hLineApp, 0, privileges, mediaModes, ctx);
    if (typeof r === 'number') throw new Error(`open ${r.toString(16)}`);
    return r.hLine;
  };
  const drain = (a: LineApp): LineMessage[] => a.queue.splice(0);
  return { clock, miniport, shim, verifier, server, app, open, drain };
}

const msgs = (ms: readonly LineMessage[]) => ms.map((m) => [m.msg, m.param1, m.param2, m.param3]);

describe('the TAPI server: an incoming call answered and blind-transferred', () => {
  it('new call, OFFERING, Answer and its LINE_REPLY, BlindTransfer and its LINE_REPLY, IDLE, DeallocateCall, then the handle is invalid', async () => {
    const { miniport, server, app, open, drain, verifier } = await rig();
    const a = app('agent.exe', 0x51);
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0x5100);
    const offer = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5550100' });
    expect(offer.ok).toBe(true);
    const first = drain(a);
    expect(msgs(first)).toEqual([
      [LINE_APPNEWCALL, 0, first[0]!.param2, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINECALLPRIVILEGE_OWNER],
    ]);
    const hCall = first[0]!.param2;
    // BlindTransfer needs a connected call.
    expect(server.blindTransfer(hCall, '5557000')).toBe(lineErr(LINEERR_INVALCALLSTATE));
    const answerId = server.answer(hCall);
    await settle();
    expect(msgs(drain(a))).toEqual([
      [LINE_CALLSTATE, LINECALLSTATE_CONNECTED, 0, 0],
      [LINE_REPLY, answerId, 0, 0],
    ]);
    expect(server.blindTransfer(hCall, '')).toBe(lineErr(0x80000010));
    const transferId = server.blindTransfer(hCall, '5557000', 77);
    expect(transferId).toBe(77);
    await settle();
    expect(msgs(drain(a))).toEqual([
      [LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, 0],
      [LINE_REPLY, 77, 0, 0],
    ]);
    expect(miniport.calls[0]!.state).toBe(LINECALLSTATE_IDLE);
    expect(await server.deallocateCall(hCall)).toBe(0);
    expect(miniport.callCount).toBe(0);
    expect(await server.deallocateCall(hCall)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(server.answer(hCall)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(verifier.violations).toEqual([]);
  });

  it('redirects an offered call, and refuses to redirect a connected one', async () => {
    const { miniport, server, app, open, drain } = await rig();
    const a = app('agent.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const h1 = drain(a)[0]!.param2;
    const id = server.redirect(h1, '5558000');
    await settle();
    expect(msgs(drain(a))).toEqual([
      [LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, 0],
      [LINE_REPLY, id, 0, 0],
    ]);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const h2 = drain(a)[0]!.param2;
    server.answer(h2);
    await settle();
    drain(a);
    expect(server.redirect(h2, '5558000')).toBe(lineErr(LINEERR_INVALCALLSTATE));
  });
});

describe('the TAPI server: an incoming call answered and secured', () => {
  it('gives the owner and the monitor their handles, answers with LINE_REPLY, secures for the owner only', async () => {
    const { miniport, server, app, open, drain, verifier } = await rig();
    const owner = app('owner.exe', 0x11);
    const monitor = app('monitor.exe', 0x22);
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0x1001);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0, 0x2002);
    const offer = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(offer.ok).toBe(true);

    const o = drain(owner);
    expect(o.map((m) => m.msg)).toEqual([LINE_APPNEWCALL, LINE_CALLSTATE]);
    const hOwner = o[0]!.param2;
    expect(o[0]).toMatchObject({ callbackInstance: 0x1001, param3: LINECALLPRIVILEGE_OWNER });
    expect(o[1]).toMatchObject({ hDevice: hOwner, param1: LINECALLSTATE_OFFERING, param3: LINECALLPRIVILEGE_OWNER });
    const m = drain(monitor);
    expect(msgs(m)).toEqual([
      [LINE_APPNEWCALL, 0, m[0]!.param2, LINECALLPRIVILEGE_MONITOR],
      [LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINECALLPRIVILEGE_MONITOR],
    ]);
    const hMonitor = m[0]!.param2;
    expect(hMonitor).not.toBe(hOwner);

    // Answer: a positive request id now, LINE_REPLY 0 later, CONNECTED to both.
    expect(server.answer(hMonitor)).toBe(lineErr(LINEERR_NOTOWNER));
    const id = server.answer(hOwner, 0x123);
    expect(id).toBe(0x123);
    await settle();
    const after = drain(owner);
    expect(after.find((x) => x.msg === LINE_REPLY)).toMatchObject({ callbackInstance: 0x11, param1: 0x123, param2: 0 });
    expect(after.find((x) => x.msg === LINE_CALLSTATE)).toMatchObject({ param1: LINECALLSTATE_CONNECTED, param3: 0 });
    expect(drain(monitor).map((x) => [x.msg, x.param1])).toEqual([[LINE_CALLSTATE, LINECALLSTATE_CONNECTED]]);

    // SecureCall: the owner may, the monitor may not, a bad handle is refused.
    const sid = server.secureCall(hOwner);
    expect(sid).toBeGreaterThan(0);
    await settle();
    expect(drain(owner)).toEqual([expect.objectContaining({ msg: LINE_REPLY, param1: sid, param2: 0 })]);
    expect(miniport.calls[0]!.secure).toBe(true);
    expect(server.secureCall(hMonitor)).toBe(lineErr(LINEERR_NOTOWNER));
    expect(server.secureCall(0x7777)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(verifier.violations).toEqual([]);
  });

  it('secures a call still OFFERING (any call state)', async () => {
    const { miniport, server, app, open, drain } = await rig();
    const owner = app('owner.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const hCall = drain(owner)[0]!.param2;
    const id = server.secureCall(hCall);
    await settle();
    expect(drain(owner)).toEqual([expect.objectContaining({ msg: LINE_REPLY, param1: id, param2: 0 })]);
  });
});

describe('the TAPI server: handoff of a new call by media mode', () => {
  it('goes to the highest-priority running application with the line open for its media mode', async () => {
    const priorities = new HandoffPriorities({ [LINEMEDIAMODE_DIGITALDATA]: ['Absent.exe', 'Second.EXE', 'first.exe'] });
    const { miniport, app, open, drain } = await rig(priorities);
    const first = app('first.exe');
    const second = app('second.exe');
    await open(first, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(second, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(drain(second).map((m) => [m.msg, m.param3])).toEqual([
      [LINE_APPNEWCALL, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLPRIVILEGE_OWNER],
    ]);
    // The other owner-candidate gets no handle at all: it is not a monitor.
    expect(drain(first)).toEqual([]);
  });

  it('goes to an unlisted application when none listed is running, the first to have opened the line', async () => {
    const priorities = new HandoffPriorities({ [LINEMEDIAMODE_DIGITALDATA]: ['absent.exe'] });
    const { miniport, app, open, drain } = await rig(priorities);
    const early = app('early.exe');
    const late = app('late.exe');
    await open(early, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM);
    await open(late, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(drain(early).map((m) => m.msg)).toEqual([LINE_APPNEWCALL, LINE_CALLSTATE]);
    expect(drain(late)).toEqual([]);
  });

  it('leaves an OFFERING call nobody owns to the monitors, and a monitor may take it over and answer', async () => {
    const { miniport, server, app, open, drain } = await rig();
    const owner = app('owner.exe');
    const monitor = app('monitor.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const hOwner = drain(owner)[0]!.param2;
    const hMonitor = drain(monitor)[0]!.param2;
    // The sole owner lets go of an OFFERING call (allowed from TAPI 2.0): the monitor hears of it.
    expect(await server.deallocateCall(hOwner)).toBe(0);
    expect(drain(owner)).toEqual([]);
    expect(msgs(drain(monitor))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMOWNERDECR, 0, 0]]);
    expect(miniport.calls[0]!.state).toBe(LINECALLSTATE_OFFERING);
    expect(server.answer(hMonitor)).toBe(lineErr(LINEERR_NOTOWNER));
    expect(server.setCallPrivilege(hMonitor, LINECALLPRIVILEGE_OWNER)).toBe(0);
    expect(server.answer(hMonitor)).toBeGreaterThan(0);
    await settle();
    expect(miniport.calls[0]!.state).toBe(LINECALLSTATE_CONNECTED);
  });

  it('drops a live call when its sole owner closes the line, and closes it at the miniport when the last handle goes', async () => {
    const { miniport, server, app, open, drain, verifier } = await rig();
    const owner = app('owner.exe');
    const hLine = await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const hCall = drain(owner)[0]!.param2;
    server.answer(hCall);
    await settle();
    expect(miniport.calls[0]!.state).toBe(LINECALLSTATE_CONNECTED);
    expect(await server.close(hLine)).toBe(0);
    // Dropped (IDLE), and with no handle left, closed: the miniport holds no call.
    expect(miniport.callCount).toBe(0);
    expect(server.privilegeOf(hCall)).toBe(0);
    expect(await server.deallocateCall(hCall)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(verifier.violations).toEqual([]);
  });
});

describe('the TAPI server: LINE_CALLINFO by the rules', () => {
  it('tells other holders, not the one that changed, and nothing once the call is idle', async () => {
    const { miniport, server, app, open, drain } = await rig();
    const a = app('a.exe');
    const b = app('b.exe');
    const c = app('c.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(b, LINECALLPRIVILEGE_MONITOR, 0);
    const hLineC = await open(c, LINECALLPRIVILEGE_NONE, 0);
    const offer = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    const hA = drain(a)[0]!.param2;
    const hB = drain(b)[0]!.param2;
    // No LINE_CALLINFO came with the announcement.
    // c takes a handle with GetNewCalls: monitor privilege; a and b hear of a new monitor, c does not.
    const got = server.getNewCalls(hLineC);
    if (typeof got === 'number') throw new Error('getNewCalls');
    expect(got).toHaveLength(1);
    expect(server.privilegeOf(got[0]!)).toBe(LINECALLPRIVILEGE_MONITOR);
    expect(msgs(drain(a))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMMONITORS, 0, 0]]);
    expect(msgs(drain(b))).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMMONITORS, 0, 0]]);
    expect(drain(c)).toEqual([]);
    // b becomes an owner: a and c hear, b does not.
    expect(server.setCallPrivilege(hB, LINECALLPRIVILEGE_OWNER)).toBe(0);
    expect(drain(a).map((m) => m.param1)).toEqual([LINECALLINFOSTATE_NUMOWNERINCR | LINECALLINFOSTATE_NUMMONITORS]);
    expect(drain(b)).toEqual([]);
    expect(drain(c)).toHaveLength(1);
    // The far end gives up: IDLE to all; after that, deallocations are not reported.
    miniport.remote.hangUp(offer.hdCall);
    for (const x of [a, b, c]) expect(drain(x).map((m) => [m.msg, m.param1])).toEqual([[LINE_CALLSTATE, LINECALLSTATE_IDLE]]);
    expect(await server.deallocateCall(hA)).toBe(0);
    expect(drain(b)).toEqual([]);
    expect(drain(c)).toEqual([]);
  });

  it('refuses to make the sole owner of a live call a monitor', async () => {
    const { miniport, server, app, open, drain } = await rig();
    const a = app('a.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const h = drain(a)[0]!.param2;
    expect(server.setCallPrivilege(h, LINECALLPRIVILEGE_MONITOR)).toBe(lineErr(LINEERR_INVALCALLSTATE));
    expect(server.setCallPrivilege(h, 3)).toBe(lineErr(0x8000001a));
  });
});

describe('the TAPI server: lineHandoff', () => {
  it('hands a call to the top application for a mode, gives it a handle first, and answers TARGETSELF and TARGETNOTFOUND', async () => {
    const { miniport, server, app, open, drain } = await rig(new HandoffPriorities({ [LINEMEDIAMODE_DATAMODEM]: ['modem.exe'] }));
    const data = app('data.exe');
    const modem = app('modem.exe');
    await open(data, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(modem, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DATAMODEM);
    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const h = drain(data)[0]!.param2;
    expect(server.handoff(h, undefined, LINEMEDIAMODE_DIGITALDATA)).toBe(lineErr(LINEERR_TARGETSELF));
    expect(server.handoff(h, 'nobody.exe', 0)).toBe(lineErr(LINEERR_TARGETNOTFOUND));
    expect(server.handoff(h, undefined, LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(server.handoff(h, undefined, LINEMEDIAMODE_DATAMODEM)).toBe(0);
    expect(drain(modem).map((m) => [m.msg, m.param3])).toEqual([
      [LINE_APPNEWCALL, LINECALLPRIVILEGE_OWNER],
      [LINE_CALLSTATE, LINECALLPRIVILEGE_OWNER],
    ]);
    // The caller keeps its privilege and hears of the new owner.
    expect(server.privilegeOf(h)).toBe(LINECALLPRIVILEGE_OWNER);
    expect(drain(data).map((m) => [m.msg, m.param1])).toEqual([[LINE_CALLINFO, LINECALLINFOSTATE_NUMOWNERINCR]]);
  });
});

describe('the TAPI server: bad input', () => {
  it('answers LINEERR_ for unknown handles, bad privileges and media modes', async () => {
    const { server, app } = await rig();
    expect(server.initialize('', '')).toBe(lineErr(0x80000015));
    const a = app('a.exe');
    expect(await server.open(0x999, 0, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA)).toBe(lineErr(LINEERR_INVALAPPHANDLE));
    expect(await server.open(a.hLineApp, 0, LINECALLPRIVILEGE_OWNER, 0)).toBe(lineErr(LINEERR_INVALMEDIAMODE));
    expect(await server.open(a.hLineApp, 0, 0x10, LINEMEDIAMODE_DIGITALDATA)).toBe(lineErr(LINEERR_INVALPRIVSELECT));
    expect(await server.open(a.hLineApp, 5, LINECALLPRIVILEGE_MONITOR, 0)).toBe(lineErr(0x80000002));
    expect(server.negotiateAPIVersion(a.hLineApp, 0, 0x0001_0003, 0x0002_0002)).toBe(0x0002_0002);
    expect(server.negotiateAPIVersion(a.hLineApp, 0, 0x0004_0000, 0x0005_0000)).toBe(lineErr(0x8000000c));
    expect(server.answer(0x5555)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(await server.shutdown(0x4444)).toBe(lineErr(LINEERR_INVALAPPHANDLE));
  });
});
