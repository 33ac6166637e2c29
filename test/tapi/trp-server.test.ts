import {
  LINECALLPRIVILEGE_OWNER,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEERR_INVALCALLHANDLE,
  LINEERR_INVALPARAM,
  LINEERR_OPERATIONUNAVAIL,
  LINEMEDIAMODE_DIGITALDATA,
} from '../../oid/index.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { TapiServer } from '../../tapi/tapi-server.js';
import { TrpServer, type TrpExchange } from '../../tapi/trp-server.js';
import { TrpClient } from '../../tapi/trp-client.js';
import {
  decodeReply,
  encodeRequest,
  isAsyncEventError,
  isTrpPacketError,
  type AsyncEvent,
  type RequestFuncName,
  type RequestPacket,
  type TrpReply,
} from '../../tapi/trp/index.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

async function rig() {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock });
  const shim = new NdisTapi(miniport, clock);
  const server = new TapiServer(shim, new NdisTapiClient(shim));
  expect(await server.start()).toBe(0);
  const exchanges: TrpExchange[] = [];
  /** Request ids of MakeCalls: their LINE_REPLY is the completion form. */
  const makeCalls = new Set<number>();
  const trp = new TrpServer(server, (x) => exchanges.push(x));
  const client = new TrpClient(trp);
  /** A remote client's call: encode, serve, decode the reply. */
  const call = async <F extends RequestFuncName>(packet: RequestPacket<F>): Promise<TrpReply<F>> => {
    const reply = await client.call(packet);
    if (isTrpPacketError(reply)) throw new Error(reply.toString());
    return reply;
  };
  const events = async (): Promise<AsyncEvent[]> => {
    await settle();
    const decoded = await client.events({ replyForm: (id) => (makeCalls.has(id) ? 'MakeCall' : 'plain') });
    if (isAsyncEventError(decoded) || isTrpPacketError(decoded)) throw new Error(decoded.toString());
    return decoded;
  };
  return { miniport, trp, call, events, exchanges, makeCalls };
}

describe('TrpServer: MS-TRP packets in, replies and event records out', () => {
  it('runs the answered and blind-transferred call over packets, echoing init context, open context and hRemoteLine', async () => {
    const { miniport, call, events, exchanges } = await rig();
    const init = await call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 0x1111, dwFriendlyNameOffset: 'REMOTEPC', dwNumDevs: 0, dwModuleNameOffset: 'REMOTEPC', dwAPIVersion: 0x0002_0002 });
    expect(init.returnValue).toBe(0);
    const hLineApp = init.slots.hLineApp;
    expect(init.slots.dwNumDevs).toBe(2);
    const opened = await call({
      func: 'lOpen', hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 0x2222,
      dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 0x77,
    });
    expect(opened.returnValue).toBe(0);
    expect(opened.slots.hLine).toBeGreaterThan(0);

    miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    const first = await events();
    expect(first.map((e) => e.type)).toEqual(['LINE_APPNEWCALL', 'LINE_CALLSTATE']);
    expect(first[0]).toMatchObject({ InitContext: 0x1111, OpenContext: 0x2222, hRemoteLine: 0x77, dwAddressID: 0, dwCallID: 1 });
    const hCall = (first[0] as { hCall: number }).hCall;
    expect(first[1]).toMatchObject({ hCall, dwCallState: LINECALLSTATE_OFFERING, dwCallPrivilege: LINECALLPRIVILEGE_OWNER, dwMediaMode: LINEMEDIAMODE_DIGITALDATA, hRemoteLine: 0x77 });

    const answered = await call({ func: 'lAnswer', dwRequestID: 5, hCall, lpsUserUserInfo: null });
    expect(answered.returnValue).toBe(5);
    const second = await events();
    expect(second.map((e) => e.type)).toEqual(['LINE_CALLSTATE', 'LINE_REPLY']);
    expect(second[0]).toMatchObject({ dwCallState: LINECALLSTATE_CONNECTED, dwCallPrivilege: 0 });
    expect(second[1]).toMatchObject({ InitContext: 0x1111, dwRemoteRequestID: 5, dwResult: 0 });

    const transferred = await call({ func: 'lBlindTransfer', dwRequestID: 0, hCall, lpszDestAddress: '5557000', dwCountryCode: 0 });
    expect(transferred.returnValue).toBeGreaterThan(0);
    const third = await events();
    expect(third.map((e) => [e.type, (e as { dwCallState?: number }).dwCallState ?? (e as { dwRemoteRequestID?: number }).dwRemoteRequestID])).toEqual([
      ['LINE_CALLSTATE', LINECALLSTATE_IDLE],
      ['LINE_REPLY', transferred.returnValue],
    ]);
    expect((await call({ func: 'lDeallocateCall', hCall })).returnValue).toBe(0);
    expect((await call({ func: 'lAnswer', dwRequestID: 0, hCall, lpsUserUserInfo: null })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
    // Every request, reply and event went by the exchange hook, in order.
    expect(exchanges.filter((x) => x.type === 'request')).toHaveLength(exchanges.filter((x) => x.type === 'reply').length);
    expect(exchanges.filter((x) => x.type === 'event')).toHaveLength(6);
  });

  it('answers MakeCall with a request id and completes it with the MakeCall form carrying the new hCall', async () => {
    const { call, events, makeCalls } = await rig();
    const { slots } = await call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 7, dwFriendlyNameOffset: 'PC', dwNumDevs: 0, dwModuleNameOffset: 'PC', dwAPIVersion: 0x0002_0002 });
    const { slots: o } = await call({
      func: 'lOpen', hLineApp: slots.hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 8,
      dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 9,
    });
    const made = await call({ func: 'lMakeCall', dwRequestID: 0, lpContext: 0x31, hLine: o.hLine, lphCallContext: 0x32, lpszDestAddress: '5551234', dwCountryCode: 0, lpCallParams: null, dwCallParamsCodePage: 0xffffffff });
    expect(made.returnValue).toBeGreaterThan(0);
    makeCalls.add(made.returnValue);
    const evs = await events();
    const completion = evs.find((e) => e.type === 'MakeCallCompletion');
    expect(completion).toMatchObject({ InitContext: 7, lpContext: 0x31, lphCallContext: 0x32, dwRemoteRequestID: made.returnValue, dwResult: 0 });
    expect((completion as { hCall: number }).hCall).toBeGreaterThan(0);
  });

  it('answers a packet it cannot read, or a function without a model, with the LINEERR_ in Ack_ReturnValue', async () => {
    const { trp, call } = await rig();
    const short = await trp.handle(new Uint8Array(20));
    expect(new DataView(short.buffer).getUint32(0, true)).toBe(LINEERR_INVALPARAM);
    expect((await call({ func: 'lNegotiateExtVersion', hLineApp: 1, dwDeviceID: 0, dwTSPIVersion: 0x0002_0000, dwLowVersion: 0, dwHighVersion: 0, lpdwExtVersion: 0 })).returnValue).toBe(LINEERR_OPERATIONUNAVAIL);
    expect((await call({ func: 'lSetAppSpecific', hCall: 1, dwAppSpecific: 2 })).returnValue).toBe(LINEERR_INVALCALLHANDLE);
  });
});

describe('TrpServer exchanges in a trace', () => {
  it('are records of their own kinds, shown by function, and skipped by replay', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { TraceRecorder } = await import('../../trace/trace-recorder.js');
    const { readTrace } = await import('../../trace/pcapng-reader.js');
    const { showTrace } = await import('../../trace/trace-show.js');
    const { replay } = await import('../../trace/replay.js');
    const dir = mkdtempSync(join(tmpdir(), 'wanemu-trp-trace-'));
    try {
      const path = join(dir, 'trp.pcapng');
      const clock = new VirtualClock();
      const miniport = new SimulatedMiniport({ clock });
      const shim = new NdisTapi(miniport, clock);
      const rec = TraceRecorder.attach(shim, path, miniport.abi, miniport.variant, clock, miniport.remote.actions$, miniport.config);
      const server = new TapiServer(shim, new NdisTapiClient(shim));
      await server.start();
      const trp = new TrpServer(server, (x) => rec.trp(x.type, x.bytes, clock.now()));
      const send = async (packet: RequestPacket): Promise<Uint8Array> => {
        const e = encodeRequest(packet);
        if (isTrpPacketError(e)) throw new Error(e.toString());
        return trp.handle(e.bytes, e.neededSize);
      };
      const init = decodeReply('lInitialize', await send({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 1, dwFriendlyNameOffset: 'PC', dwNumDevs: 0, dwModuleNameOffset: 'PC', dwAPIVersion: 0x0002_0002 }));
      if (isTrpPacketError(init)) throw new Error(init.toString());
      await send({
        func: 'lOpen', hLineApp: init.slots.hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 2,
        dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 3,
      });
      miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
      await settle();
      rec.close();
      const kinds = Array.from(readTrace(path), (r) => r.kind);
      expect(kinds.filter((k) => k === 'trpRequest')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'trpReply')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'trpEvent')).toHaveLength(2);
      const lines: string[] = [];
      showTrace(path, false, (l) => lines.push(l), () => undefined);
      expect(lines).toContainEqual(expect.stringMatching(/MS-TRP client → TAPI {2}lOpen \(\d+ bytes\)$/));
      expect(lines).toContainEqual(expect.stringMatching(/TAPI → MS-TRP client {2}event LINE_APPNEWCALL$/));
      expect((await replay(path)).divergences).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
