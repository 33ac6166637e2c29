import {
  LINECALLFEATURE_ACCEPT,
  LINECALLFEATURE_ANSWER,
  LINECALLFEATURE_DROP,
  LINECALLFEATURE_SECURECALL,
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_OFFERING,
  LINEERR_INVALCALLHANDLE,
  LINEERR_STRUCTURETOOSMALL,
  LINEMEDIAMODE_DIGITALDATA,
} from '../../oid/index.js';
import { lineErr } from '../../tapi/line-errors.js';
import { dw, settle, tapiRig } from './tapi-rig.js';

/* lineGetCallStatus: the miniport's LINE_CALL_STATUS as LINECALLSTATUS, with the caller's own privilege (ms-trp.md §6.2). */

const word = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint16(at, true);

describe('lineGetCallStatus', () => {
  it('carries the miniport\'s state and features, and each application\'s own privilege', async () => {
    const { server, app, open, drain, incoming } = await tapiRig();
    const owner = app('agent.exe');
    const monitor = app('mon.exe');
    await open(owner, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(monitor, LINECALLPRIVILEGE_MONITOR, 0);
    const hCall = incoming(owner, LINEMEDIAMODE_DIGITALDATA);
    const hMon = drain(monitor)[0]!.param2;
    const b = (await server.getCallStatus(hCall, 56)) as Uint8Array;
    expect([dw(b, 0), dw(b, 4), dw(b, 8)]).toEqual([56, 56, 56]);
    expect(dw(b, 12)).toBe(LINECALLSTATE_OFFERING);
    expect(dw(b, 20)).toBe(LINECALLPRIVILEGE_OWNER);
    expect(dw(b, 24)).toBe(LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL);
    expect(dw((await server.getCallStatus(hMon, 56)) as Uint8Array, 20)).toBe(LINECALLPRIVILEGE_MONITOR);
    // The privilege follows lineSetCallPrivilege.
    expect(server.setCallPrivilege(hMon, LINECALLPRIVILEGE_OWNER)).toBe(0);
    expect(dw((await server.getCallStatus(hMon, 56)) as Uint8Array, 20)).toBe(LINECALLPRIVILEGE_OWNER);
  });

  it('gives API 2.0 and later the UTC time the call entered its state, on the server\'s clock', async () => {
    const { server, app, open, incoming, clock } = await tapiRig();
    const a = app('agent.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    clock.advance(1_500);
    server.answer(hCall);
    await settle();
    clock.advance(10_000);
    const b = (await server.getCallStatus(hCall, 56)) as Uint8Array;
    expect(dw(b, 12)).toBe(LINECALLSTATE_CONNECTED);
    // Connected at 1.5 s on the virtual clock (epoch 1970-01-01, a Thursday), not when asked (11.5 s).
    expect([40, 42, 44, 46, 48, 50, 52, 54].map((at) => word(b, at))).toEqual([1970, 1, 4, 1, 0, 0, 1, 500]);
  });

  it('gives a 1.x application the 36-byte structure, and refuses one smaller than its version\'s', async () => {
    const { server, app, open, incoming } = await tapiRig();
    const a = app('old.exe');
    await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0, 0x0001_0004);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    const b = (await server.getCallStatus(hCall, 100)) as Uint8Array;
    expect(b.length).toBe(36);
    expect([dw(b, 0), dw(b, 4), dw(b, 8), dw(b, 20)]).toEqual([100, 36, 36, LINECALLPRIVILEGE_OWNER]);
    expect(await server.getCallStatus(hCall, 35)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
    const v2 = app('new.exe');
    await open(v2, LINECALLPRIVILEGE_MONITOR, 0, 0, 0x0002_0000);
    const got = server.getNewCalls([...v2.lines.keys()][0]!) as readonly number[];
    expect(await server.getCallStatus(got[0]!, 36)).toBe(lineErr(LINEERR_STRUCTURETOOSMALL));
  });

  it('answers LINEERR_INVALCALLHANDLE for an unknown handle', async () => {
    const { server } = await tapiRig();
    expect(await server.getCallStatus(0x1234, 56)).toBe(lineErr(LINEERR_INVALCALLHANDLE));
  });
});
