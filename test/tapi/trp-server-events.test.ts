import {
  LINECALLPRIVILEGE_MONITOR,
  LINEERR_INVALLINEHANDLE,
  LINEDEVSTATE_OUTOFSERVICE,
  LINEDEVSTATE_RINGING,
  LINE_CLOSE,
  LINE_CREATE,
  LINE_LINEDEVSTATE,
  LINE_REMOVE,
} from '../../oid/index.js';
import { TrpClient } from '../../tapi/trp-client.js';
import { TrpServer } from '../../tapi/trp-server.js';
import { isAsyncEventError, isTrpPacketError, type AsyncEvent, type RequestFuncName, type RequestPacket, type TrpReply } from '../../tapi/trp/index.js';
import { settle, tapiRig } from './tapi-rig.js';

/* The server's own events as MS-TRP ASYNCEVENTMSG records (ms-trp.md §4.3), with init context, open context and hRemoteLine echoed. */

async function rig() {
  const r = await tapiRig();
  const client = new TrpClient(new TrpServer(r.server));
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
  const open = async (deviceId: number, hRemoteLine: number): Promise<number> =>
    (await call({
      func: 'lOpen', hLineApp, dwDeviceID: deviceId, hLine: 0, dwNegotiatedVersion: 0x0003_0000, dwExtVersion: 0, OpenContext: 0x0c,
      dwPrivileges: LINECALLPRIVILEGE_MONITOR, dwMediaModes: 0, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine,
    })).slots.hLine;
  return { ...r, call, events, open };
}

describe('MS-TRP records of the server\'s own events', () => {
  it('LINE_LINEDEVSTATE and LINE_CLOSE carry hRemoteLine when the client gave one at lOpen, else the hLine', async () => {
    const { call, events, open, miniport, shim } = await rig();
    const remote = await open(0, 0x4242);
    const plain = await open(1, 0);
    expect((await call({ func: 'lSetStatusMessages', hLine: remote, dwLineStates: LINEDEVSTATE_RINGING, dwAddressStates: 0 })).returnValue).toBe(0);
    miniport.indicate(shim.htLineFor(0), 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING | LINEDEVSTATE_OUTOFSERVICE, 1, 3);
    expect(await events()).toEqual([{ type: 'LINE_LINEDEVSTATE', InitContext: 0x1c, hRemoteLine: 0x4242, OpenContext: 0x0c, dwDevStates: LINEDEVSTATE_RINGING, dwParam2: 1, dwParam3: 3 }].map(expect.objectContaining));
    miniport.indicate(shim.htLineFor(0), 0, LINE_CLOSE);
    miniport.indicate(shim.htLineFor(1), 0, LINE_CLOSE);
    expect(await events()).toEqual([
      expect.objectContaining({ type: 'LINE_CLOSE', InitContext: 0x1c, hRemoteLine: 0x4242, OpenContext: 0x0c }),
      expect.objectContaining({ type: 'LINE_CLOSE', InitContext: 0x1c, hRemoteLine: plain, OpenContext: 0x0c }),
    ]);
    // The line handle is gone with the close.
    expect((await call({ func: 'lClose', hLine: remote })).returnValue).toBe(LINEERR_INVALLINEHANDLE);
  });

  it('LINE_CREATE and LINE_REMOVE carry the init context and the device id, no open context', async () => {
    const { events, miniport, shim, open } = await rig();
    await open(0, 0);
    miniport.indicate(shim.htLineFor(0), 0, LINE_CREATE);
    miniport.indicate(shim.htLineFor(0), 0, LINE_REMOVE, 1);
    const evs = await events();
    expect(evs).toEqual([
      expect.objectContaining({ type: 'LINE_CREATE', InitContext: 0x1c, dwDeviceID: 2 }),
      expect.objectContaining({ type: 'LINE_REMOVE', InitContext: 0x1c, dwDeviceID: 1 }),
    ]);
  });
});
