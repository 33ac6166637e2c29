import {
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_CONNECTED,
  LINEDEVSTATE_OPEN,
  LINEDEVSTATE_OUTOFSERVICE,
  LINEDEVSTATE_REINIT,
  LINEDEVSTATE_RINGING,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_NODEVICE,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  LINE_CLOSE,
  LINE_CREATE,
  LINE_LINEDEVSTATE,
  LINE_REMOVE,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_PROVIDER_SHUTDOWN,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import type { LineMessage } from '../../tapi/line-message.js';
import { msgs, settle, tapiRig } from './tapi-rig.js';

/* The server's own events: LINE_LINEDEVSTATE by the status-message masks, LINE_CLOSE, LINE_CREATE, LINE_REMOVE. */

const only = (ms: readonly LineMessage[], msg: number) => ms.filter((m) => m.msg === msg);

describe('LINE_LINEDEVSTATE', () => {
  it('goes to the opens that asked for the state with lineSetStatusMessages, with only the states they asked for', async () => {
    const { server, app, open, drain, sim, miniport, shim } = await tapiRig();
    const a = app('agent.exe');
    const b = app('quiet.exe');
    const hA = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0xa0);
    await open(b, LINECALLPRIVILEGE_MONITOR, 0, 0xb0);
    expect(await server.setStatusMessages(hA, LINEDEVSTATE_RINGING | LINEDEVSTATE_CONNECTED, 0)).toBe(0);
    sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const first = drain(a);
    const hCall = first[0]!.param2;
    // The miniport rings (it reports RINGING because the union asked for it): to a only, ring mode 1, count 0.
    expect(first.filter((m) => m.msg === LINE_LINEDEVSTATE).map((m) => [m.hDevice, m.callbackInstance, m.param1, m.param2, m.param3])).toEqual([[hA, 0xa0, LINEDEVSTATE_RINGING, 1, 0]]);
    expect(only(drain(b), LINE_LINEDEVSTATE)).toEqual([]);
    server.answer(hCall);
    await settle();
    expect(msgs(only(drain(a), LINE_LINEDEVSTATE))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_CONNECTED, 0, 0]]);
    expect(only(drain(b), LINE_LINEDEVSTATE)).toEqual([]);
    // Several states at once: each open gets the ones it asked for, or nothing.
    miniport.indicate(shim.htLineFor(0), 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING | LINEDEVSTATE_OUTOFSERVICE, 1, 2);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 1, 2]]);
    expect(drain(b)).toEqual([]);
  });

  it('REINIT reaches every open whatever its mask', async () => {
    const { app, open, drain, miniport, shim } = await tapiRig();
    const a = app('agent.exe');
    const b = app('mon.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(b, LINECALLPRIVILEGE_MONITOR, 0);
    miniport.indicate(shim.htLineFor(0), 0, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, 0, 0);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, 0, 0]]);
    expect(msgs(drain(b))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT, 0, 0]]);
  });

  it('OPEN and CLOSE tell the other opens of the line that another application opened or closed it', async () => {
    const { server, app, open, drain } = await tapiRig();
    const a = app('agent.exe');
    const b = app('late.exe');
    const hA = await open(a, LINECALLPRIVILEGE_MONITOR, 0);
    expect(await server.setStatusMessages(hA, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE, 0)).toBe(0);
    const hB = await open(b, LINECALLPRIVILEGE_MONITOR, 0);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_OPEN, 0, 0]]);
    expect(await server.setStatusMessages(hB, LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE, 0)).toBe(0);
    expect(await server.close(hB)).toBe(0);
    expect(msgs(drain(a))).toEqual([[LINE_LINEDEVSTATE, LINEDEVSTATE_CLOSE, 0, 0]]);
    // The application that closed hears nothing of its own close.
    expect(drain(b)).toEqual([]);
  });
});

describe('LINE_CLOSE', () => {
  it('the miniport\'s LINE_CLOSE closes the line under every application: LINE_CLOSE to each, handles gone, calls and line closed at the miniport', async () => {
    const { server, app, open, drain, incoming, miniport, shim, sim } = await tapiRig();
    const a = app('agent.exe');
    const m = app('mon.exe');
    const hA = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0xa1);
    const hM = await open(m, LINECALLPRIVILEGE_MONITOR, 0, 0xb1);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    drain(m);
    const oids: number[] = [];
    shim.exchanges$.subscribe((x) => {
      if (x.type === 'request') oids.push(x.oid);
    });
    miniport.indicate(shim.htLineFor(0), 0, LINE_CLOSE);
    await settle();
    expect(drain(a).map((x) => [x.msg, x.hDevice, x.callbackInstance])).toEqual([[LINE_CLOSE, hA, 0xa1]]);
    expect(drain(m).map((x) => [x.msg, x.hDevice, x.callbackInstance])).toEqual([[LINE_CLOSE, hM, 0xb1]]);
    expect(oids).toEqual([OID_TAPI_CLOSE_CALL, OID_TAPI_CLOSE]);
    expect(server.answer(hCall)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
    expect(await server.close(hA)).toBe(lineErr(LINEERR_INVALLINEHANDLE));
    expect(sim.callCount).toBe(0);
    // The line can be opened again.
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    expect(sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
    expect(drain(a).map((x) => x.msg)).toContain(LINE_CALLSTATE);
  });

  it('the provider\'s shutdown (stop) sends LINE_CLOSE for every open line, then OID_TAPI_PROVIDER_SHUTDOWN', async () => {
    const { server, app, open, drain, shim } = await tapiRig();
    const a = app('agent.exe');
    const hA = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const r = await server.open(a.hLineApp, 1, LINECALLPRIVILEGE_MONITOR, 0);
    const hA1 = typeof r === 'number' ? 0 : r.hLine;
    const oids: number[] = [];
    shim.exchanges$.subscribe((x) => {
      if (x.type === 'request') oids.push(x.oid);
    });
    expect(await server.stop()).toBe(0);
    expect(drain(a).map((x) => [x.msg, x.hDevice])).toEqual([[LINE_CLOSE, hA], [LINE_CLOSE, hA1]]);
    expect(oids).toEqual([OID_TAPI_CLOSE, OID_TAPI_CLOSE, OID_TAPI_PROVIDER_SHUTDOWN]);
  });
});

describe('LINE_CREATE and LINE_REMOVE', () => {
  it('a LINE_CREATE indication adds a device id and tells every application', async () => {
    const { server, app, drain, miniport, open, shim } = await tapiRig();
    const a = app('one.exe', 0x11);
    const b = app('two.exe', 0x22);
    await open(a, LINECALLPRIVILEGE_MONITOR, 0);
    miniport.indicate(shim.htLineFor(0), 0, LINE_CREATE);
    expect(drain(a).map((x) => [x.msg, x.hDevice, x.callbackInstance, x.param1])).toEqual([[LINE_CREATE, 0, 0x11, 2]]);
    expect(drain(b).map((x) => [x.msg, x.callbackInstance, x.param1])).toEqual([[LINE_CREATE, 0x22, 2]]);
    expect(server.initialize('three.exe', 'three.exe')).toMatchObject({ numDevs: 3 });
  });

  it('a LINE_REMOVE indication closes the device under its applications and tells every application; its id then answers LINEERR_NODEVICE', async () => {
    const { server, app, drain, miniport, open, shim } = await tapiRig();
    const a = app('one.exe');
    const b = app('two.exe');
    const hA = await open(a, LINECALLPRIVILEGE_MONITOR, 0);
    miniport.indicate(shim.htLineFor(0), 0, LINE_REMOVE, 0);
    await settle();
    expect(drain(a).map((x) => [x.msg, x.hDevice, x.param1])).toEqual([[LINE_CLOSE, hA, 0], [LINE_REMOVE, 0, 0]]);
    expect(drain(b).map((x) => [x.msg, x.param1])).toEqual([[LINE_REMOVE, 0]]);
    expect(await server.open(a.hLineApp, 0, LINECALLPRIVILEGE_MONITOR, 0)).toBe(lineErr(LINEERR_NODEVICE));
    expect(await server.getDevCaps(a.hLineApp, 0, 0x0003_0000, 0, 1024)).toBe(lineErr(LINEERR_NODEVICE));
    // Device 1 is untouched.
    expect(await server.open(a.hLineApp, 1, LINECALLPRIVILEGE_MONITOR, 0)).toMatchObject({ hLine: expect.any(Number) });
  });
});
