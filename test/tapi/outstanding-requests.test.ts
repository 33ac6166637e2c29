import {
  LINECALLPRIVILEGE_MONITOR,
  LINECALLPRIVILEGE_OWNER,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_APPNEWCALL,
  LINE_CLOSE,
  LINE_REPLY,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_MAKE_CALL,
} from '../../oid/index.js';
import { TrpClient } from '../../tapi/trp-client.js';
import { TrpServer } from '../../tapi/trp-server.js';
import { isAsyncEventError, isTrpPacketError, type AsyncEvent, type RequestFuncName, type RequestPacket, type TrpReply } from '../../tapi/trp/index.js';
import { settle, tapiRig } from './tapi-rig.js';

/*
 * Requests outstanding when the line closes or the application shuts down (ms-trp.md §7.6):
 * "outstanding async replies are suppressed", "outstanding async requests are cancelled".
 * The miniport holds the request (completion policy `hold`) until the test completes it.
 */

/** A rig with one owner application, its line open, and an incoming call it was offered. */
async function offered() {
  const r = await tapiRig();
  const a = r.app('agent.exe', 0xa0);
  const hLine = await r.open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA, 0xa1);
  const hCall = r.incoming(a, LINEMEDIAMODE_DIGITALDATA);
  r.drain(a);
  return { ...r, a, hLine, hCall };
}

describe('a request the miniport still holds', () => {
  it('gets its LINE_REPLY when the miniport completes it, and leaves the request table empty (the control case)', async () => {
    const { server, sim, drain, a, hCall } = await offered();
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    const id = server.answer(hCall, 0x42);
    expect(id).toBe(0x42);
    await settle();
    expect(server.outstandingRequests).toBe(1);
    expect(drain(a).filter((m) => m.msg === LINE_REPLY)).toEqual([]);
    expect(sim.complete()).toBe(true);
    await settle();
    expect(drain(a).filter((m) => m.msg === LINE_REPLY).map((m) => [m.param1, m.param2])).toEqual([[0x42, 0]]);
    expect(server.outstandingRequests).toBe(0);
  });

  it('lineClose: the LINE_REPLY of an Answer pended at the miniport is never sent, nor any message about the line', async () => {
    const { server, sim, drain, a, hLine, hCall } = await offered();
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    expect(server.answer(hCall, 7)).toBe(7);
    await settle();
    expect(sim.outstanding).toHaveLength(1);
    // The close waits behind the held ANSWER (NDISTAPI sends one request at a time), but the reply is cancelled at once.
    const closing = server.close(hLine);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.complete()).toBe(true);
    expect(await closing).toBe(0);
    await settle();
    // No LINE_REPLY, and not the call states the close's own drop caused either.
    expect(drain(a)).toEqual([]);
    // Nothing leaks: no request at the miniport or in the server, the call dropped and closed.
    expect(sim.outstanding).toEqual([]);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.callCount).toBe(0);
  });

  it('lineShutdown: the request is cancelled, no LINE_REPLY ever reaches the application', async () => {
    const { server, sim, drain, a, hCall } = await offered();
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    expect(server.answer(hCall)).toBeGreaterThan(0);
    await settle();
    const shutting = server.shutdown(a.hLineApp);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.complete()).toBe(true);
    expect(await shutting).toBe(0);
    await settle();
    expect(drain(a)).toEqual([]);
    expect(server.app(a.hLineApp)).toBeUndefined();
    expect(sim.outstanding).toEqual([]);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.callCount).toBe(0);
  });

  it('lineClose with a MakeCall pending: no LINE_REPLY, monitors get no handle, and the call made is closed at the miniport', async () => {
    const { server, sim, shim, app, open, drain } = await tapiRig();
    const a = app('dialer.exe');
    const m = app('mon.exe');
    const hLine = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    await open(m, LINECALLPRIVILEGE_MONITOR, 0);
    sim.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'hold' });
    expect(server.makeCall(hLine, '5551234', 9)).toBe(9);
    await settle();
    expect(server.outstandingRequests).toBe(1);
    const oids: number[] = [];
    shim.exchanges$.subscribe((x) => {
      if (x.type === 'request') oids.push(x.oid);
    });
    // The close's SET_DEFAULT_MEDIA_DETECTION waits behind the held MAKE_CALL; the reply is cancelled at once.
    const closing = server.close(hLine);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.complete()).toBe(true);
    expect(await closing).toBe(0);
    await settle();
    expect(drain(a)).toEqual([]);
    expect(drain(m).filter((x) => x.msg === LINE_APPNEWCALL)).toEqual([]);
    // The monitor keeps the line open at the miniport; the call nobody took is closed there.
    expect(oids).toContain(OID_TAPI_CLOSE_CALL);
    expect(sim.callCount).toBe(0);
    expect(sim.outstanding).toEqual([]);
  });

  it('a line the miniport closes (LINE_CLOSE): LINE_CLOSE to the application, then no LINE_REPLY for the request made on it', async () => {
    const { server, sim, miniport, shim, drain, a, hLine, hCall } = await offered();
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    expect(server.answer(hCall, 11)).toBe(11);
    await settle();
    miniport.indicate(shim.htLineFor(0), 0, LINE_CLOSE);
    expect(sim.complete()).toBe(true);
    await settle();
    await settle();
    expect(drain(a).map((m) => [m.msg, m.hDevice])).toEqual([[LINE_CLOSE, hLine]]);
    expect(server.outstandingRequests).toBe(0);
    expect(sim.outstanding).toEqual([]);
  });

  it('a request of another open of the same application is not cancelled by lineClose', async () => {
    const { server, sim, app, open, drain, incoming } = await tapiRig();
    const a = app('agent.exe');
    const hLine0 = await open(a, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
    const r = await server.open(a.hLineApp, 1, LINECALLPRIVILEGE_MONITOR, 0);
    if (typeof r === 'number') throw new Error(`open ${r}`);
    const hCall = incoming(a, LINEMEDIAMODE_DIGITALDATA);
    drain(a);
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    expect(server.answer(hCall, 3)).toBe(3);
    await settle();
    // Closing the other line leaves the Answer on line 0 alone.
    const closing = server.close(r.hLine);
    expect(server.outstandingRequests).toBe(1);
    expect(sim.complete()).toBe(true);
    expect(await closing).toBe(0);
    await settle();
    expect(drain(a).filter((x) => x.msg === LINE_REPLY).map((x) => [x.param1, x.param2])).toEqual([[3, 0]]);
    expect(server.outstandingRequests).toBe(0);
    expect(await server.close(hLine0)).toBe(0);
  });
});

describe('over MS-TRP', () => {
  async function trpRig() {
    const r = await tapiRig();
    const trp = new TrpServer(r.server);
    const client = new TrpClient(trp);
    const call = async <F extends RequestFuncName>(packet: RequestPacket<F>): Promise<TrpReply<F>> => {
      const x = await client.call(packet);
      if (isTrpPacketError(x)) throw new Error(x.toString());
      return x;
    };
    const events = async (): Promise<AsyncEvent[]> => {
      await settle();
      const d = await client.events();
      if (isAsyncEventError(d) || isTrpPacketError(d)) throw new Error(d.toString());
      return d;
    };
    const hLineApp = (await call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 0x1c, dwFriendlyNameOffset: 'PC', dwNumDevs: 0, dwModuleNameOffset: 'PC', dwAPIVersion: 0x0003_0000 })).slots.hLineApp;
    const hLine = (await call({
      func: 'lOpen', hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0003_0000, dwExtVersion: 0, OpenContext: 0x0c,
      dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 0x77,
    })).slots.hLine;
    r.sim.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const first = await events();
    const hCall = (first.find((e) => e.type === 'LINE_APPNEWCALL') as { hCall: number }).hCall;
    return { ...r, trp, call, events, hLineApp, hLine, hCall };
  }

  it('lClose: GetAsyncEvents never returns the LINE_REPLY of the Answer the miniport held', async () => {
    const { sim, server, trp, call, events, hLine, hCall } = await trpRig();
    sim.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    expect((await call({ func: 'lAnswer', dwRequestID: 5, hCall, lpsUserUserInfo: null })).returnValue).toBe(5);
    await settle();
    const closing = call({ func: 'lClose', hLine });
    await settle();
    expect(sim.complete()).toBe(true);
    expect((await closing).returnValue).toBe(0);
    expect(await events()).toEqual([]);
    expect(server.outstandingRequests).toBe(0);
    expect(trp.heldState).toBe(0);
  });

  it('lShutdown with a MakeCall held: no completion record, and the client state for it is gone', async () => {
    const { sim, server, trp, call, events, hLineApp, hLine } = await trpRig();
    sim.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'hold' });
    const made = await call({ func: 'lMakeCall', dwRequestID: 0, lpContext: 0x31, hLine, lphCallContext: 0x32, lpszDestAddress: '5551234', dwCountryCode: 0, lpCallParams: null, dwCallParamsCodePage: 0xffffffff });
    expect(made.returnValue).toBeGreaterThan(0);
    expect(trp.heldState).toBe(2);
    const shutting = call({ func: 'lShutdown', hLineApp });
    await settle();
    expect(sim.complete()).toBe(true);
    expect((await shutting).returnValue).toBe(0);
    expect(await events()).toEqual([]);
    expect(server.outstandingRequests).toBe(0);
    expect(trp.heldState).toBe(0);
    expect(sim.outstanding).toEqual([]);
  });
});
