import {
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINECALLSELECT_LINE,
  LINECALLSTATE_OFFERING,
  LINEDEVSTATE_RINGING,
  LINEERR_INVALAPPHANDLE,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_NOTOWNER,
  LINEERR_STRUCTURETOOSMALL,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  STRINGFORMAT_BINARY,
  STRINGFORMAT_UNICODE,
} from '../../oid/index.js';
import { TrpClient } from '../../tapi/trp-client.js';
import { TrpServer } from '../../tapi/trp-server.js';
import { isAsyncEventError, isTrpPacketError, type AsyncEvent, type RequestFuncName, type RequestPacket, type TrpReply } from '../../tapi/trp/index.js';
import { dw, settle, tapiRig } from './tapi-rig.js';

/* The information and configuration functions over MS-TRP: outputs in VarData, their offset in the output slot (ms-trp.md §2.2). */

async function trpRig() {
  const rig = await tapiRig();
  const client = (trp: TrpServer) => {
    const c = new TrpClient(trp);
    const call = async <F extends RequestFuncName>(packet: RequestPacket<F>): Promise<TrpReply<F>> => {
      const r = await c.call(packet);
      if (isTrpPacketError(r)) throw new Error(r.toString());
      return r;
    };
    const events = async (): Promise<AsyncEvent[]> => {
      await settle();
      const d = await c.events();
      if (isAsyncEventError(d) || isTrpPacketError(d)) throw new Error(d.toString());
      return d;
    };
    const init = async (name: string, ctx: number): Promise<number> =>
      (await call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: ctx, dwFriendlyNameOffset: name, dwNumDevs: 0, dwModuleNameOffset: name, dwAPIVersion: 0x0003_0000 })).slots.hLineApp;
    const open = async (hLineApp: number, privileges: number, modes: number, hRemoteLine = 0): Promise<number> => {
      const r = await call({
        func: 'lOpen', hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0003_0000, dwExtVersion: 0, OpenContext: 0x0c,
        dwPrivileges: privileges, dwMediaModes: modes, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine,
      });
      expect(r.returnValue).toBe(0);
      return r.slots.hLine;
    };
    return { call, events, init, open };
  };
  return { ...rig, client };
}

describe('MS-TRP: the Get* functions return their structure in VarData', () => {
  it('GetCallInfo and GetCallStatus: the structure at the VarData offset the slot holds, cut at dwUsedSize', async () => {
    const { server, sim, client } = await trpRig();
    const c = client(new TrpServer(server));
    const app = await c.init('PC1', 1);
    const hLine = await c.open(app, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5550100' });
    const hCall = ((await c.events())[0] as { hCall: number }).hCall;
    const info = await c.call({ func: 'lGetCallInfo', hCall, lpCallInfo: 1024 });
    expect(info.returnValue).toBe(0);
    expect(info.slots.lpCallInfo).toBe(0);
    const b = info.outputs.lpCallInfo!;
    expect([dw(b, 0), dw(b, 8), dw(b, 12), dw(b, 92)]).toEqual([1024, b.length, hLine, 1]);
    const status = await c.call({ func: 'lGetCallStatus', hCall, lpCallStatus: 56 });
    expect(status.returnValue).toBe(0);
    expect([dw(status.outputs.lpCallStatus!, 12), dw(status.outputs.lpCallStatus!, 20)]).toEqual([LINECALLSTATE_OFFERING, LINECALLPRIVILEGE_OWNER]);
    // Below the fixed size of the negotiated version: LINEERR_STRUCTURETOOSMALL, no output.
    const small = await c.call({ func: 'lGetCallInfo', hCall, lpCallInfo: 300 });
    expect(small.returnValue).toBe(LINEERR_STRUCTURETOOSMALL);
    expect(small.outputs).toEqual({});
  });

  it('GetDevCaps, GetAddressCaps, GetID: the capabilities and ids of the line', async () => {
    const { server, client } = await trpRig();
    const c = client(new TrpServer(server));
    const app = await c.init('PC1', 1);
    const caps = await c.call({ func: 'lGetDevCaps', hLineApp: app, dwDeviceID: 0, dwTSPIVersion: 0x0003_0000, dwExtVersion: 0, lpLineDevCaps: 2048 });
    expect(caps.returnValue).toBe(0);
    expect(dw(caps.outputs.lpLineDevCaps!, 40)).toBe(STRINGFORMAT_UNICODE);
    const addr = await c.call({ func: 'lGetAddressCaps', hLineApp: app, dwDeviceID: 0, dwAddressID: 0, dwTSPIVersion: 0x0003_0000, dwExtVersion: 0, lpAddressCaps: 1024 });
    expect(addr.returnValue).toBe(0);
    expect(dw(addr.outputs.lpAddressCaps!, 12)).toBe(0);
    const hLine = await c.open(app, LINECALLPRIVILEGE_MONITOR, 0);
    const id = await c.call({ func: 'lGetID', hLine, dwAddressID: 0, hCall: 0, dwSelect: LINECALLSELECT_LINE, lpDeviceID: 64, lpszDeviceClass: 'tapi/line' });
    expect(id.returnValue).toBe(0);
    expect([dw(id.outputs.lpDeviceID!, 12), dw(id.outputs.lpDeviceID!, 24)]).toEqual([STRINGFORMAT_BINARY, 0]);
  });

  it('SetDefaultMediaDetection, SetStatusMessages, SetMediaMode, SetAppSpecific answer 0 or the LINEERR_', async () => {
    const { server, sim, client } = await trpRig();
    const c = client(new TrpServer(server));
    const app = await c.init('PC1', 1);
    const hLine = await c.open(app, LINECALLPRIVILEGE_MONITOR, 0);
    expect((await c.call({ func: 'lSetDefaultMediaDetection', hLine, dwMediaModes: LINEMEDIAMODE_DIGITALDATA })).returnValue).toBe(0);
    expect((await c.call({ func: 'lSetStatusMessages', hLine, dwLineStates: LINEDEVSTATE_RINGING, dwAddressStates: 0 })).returnValue).toBe(0);
    sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const evs = await c.events();
    expect(evs.map((e) => e.type)).toEqual(['LINE_APPNEWCALL', 'LINE_CALLSTATE', 'LINE_LINEDEVSTATE']);
    const hCall = (evs[0] as { hCall: number }).hCall;
    expect((await c.call({ func: 'lSetMediaMode', hCall, dwMediaMode: LINEMEDIAMODE_DATAMODEM })).returnValue).toBe(0);
    expect((await c.call({ func: 'lSetAppSpecific', hCall, dwAppSpecific: 42 })).returnValue).toBe(0);
    expect((await c.events()).map((e) => [e.type, (e as { dwCallInfoStates?: number }).dwCallInfoStates])).toEqual([
      ['LINE_CALLINFO', 0x10],
      ['LINE_CALLINFO', 0x20],
    ]);
    // A monitor may not; an unknown handle is invalid.
    const other = await c.init('PC1b', 2);
    const otherLine = await c.open(other, LINECALLPRIVILEGE_MONITOR, 0);
    const got = await c.call({ func: 'lGetNewCalls', hLine: otherLine, dwAddressID: 0, dwSelect: LINECALLSELECT_LINE, pCallList: 64 });
    const hMon = dw(got.outputs.pCallList!, 24);
    expect((await c.call({ func: 'lSetAppSpecific', hCall: hMon, dwAppSpecific: 1 })).returnValue).toBe(LINEERR_NOTOWNER);
    expect((await c.call({ func: 'lSetMediaMode', hCall: hMon, dwMediaMode: LINEMEDIAMODE_DIGITALDATA })).returnValue).toBe(LINEERR_NOTOWNER);
    expect((await c.call({ func: 'lSetAppSpecific', hCall: 0x7fff_0000, dwAppSpecific: 1 })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
  });
});

describe('MS-TRP: handles of another client', () => {
  it('are refused with LINEERR_INVALAPPHANDLE, LINEERR_INVALLINEHANDLE, LINEERR_INVALCALLHANDLE, and do nothing', async () => {
    const { server, sim, client } = await trpRig();
    const mine = client(new TrpServer(server));
    const theirs = client(new TrpServer(server));
    const myApp = await mine.init('PC1', 1);
    const myLine = await mine.open(myApp, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const myCall = ((await mine.events())[0] as { hCall: number }).hCall;
    await theirs.init('PC2', 2);
    expect((await theirs.call({ func: 'lGetDevCaps', hLineApp: myApp, dwDeviceID: 0, dwTSPIVersion: 0x0003_0000, dwExtVersion: 0, lpLineDevCaps: 2048 })).returnValue).toBe(LINEERR_INVALAPPHANDLE);
    expect((await theirs.call({ func: 'lShutdown', hLineApp: myApp })).returnValue).toBe(LINEERR_INVALAPPHANDLE);
    expect((await theirs.call({ func: 'lClose', hLine: myLine })).returnValue).toBe(LINEERR_INVALLINEHANDLE);
    expect((await theirs.call({ func: 'lSetStatusMessages', hLine: myLine, dwLineStates: LINEDEVSTATE_RINGING, dwAddressStates: 0 })).returnValue).toBe(LINEERR_INVALLINEHANDLE);
    expect((await theirs.call({ func: 'lGetCallInfo', hCall: myCall, lpCallInfo: 1024 })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
    expect((await theirs.call({ func: 'lAnswer', dwRequestID: 0, hCall: myCall, lpsUserUserInfo: null })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
    expect((await theirs.call({ func: 'lDeallocateCall', hCall: myCall })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
    // Nothing happened: the call is still mine, offered, and the line open.
    expect(server.privilegeOf(myCall)).toBe(LINECALLPRIVILEGE_OWNER);
    expect(server.appOfLine(myLine)).toBe(myApp);
    expect((await mine.call({ func: 'lGetCallStatus', hCall: myCall, lpCallStatus: 56 })).returnValue).toBe(0);
  });
});
