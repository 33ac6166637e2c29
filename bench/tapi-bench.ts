import { LINECALLPRIVILEGE_MONITOR, LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA } from '../oid/index.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import { NdisTapi } from '../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { TapiServer } from '../tapi/tapi-server.js';
import { TrpServer } from '../tapi/trp-server.js';
import { TrpClient } from '../tapi/trp-client.js';
import { isAsyncEventError, isTrpPacketError, type RequestFuncName, type RequestPacket, type TrpReply } from '../tapi/trp/index.js';
import { lifecycleLoop, stack } from './lifecycle-bench.js';
import type { Figure } from './measure.js';

/**
 * Issue 6's row: complete incoming-call lifecycles through the whole stack (SimulatedMiniport,
 * NdisTapi, the verifier, the TAPI server, MS-TRP) with one owner and one monitor application,
 * every request and reply encoded and decoded as MS-TRP packets and every event as an
 * ASYNCEVENTMSG read back with GetAsyncEvents; against the miniport-level lifecycle (the
 * lifecycle row's loop) measured in the same run.
 */
export async function tapiFigures(): Promise<Figure[]> {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock, callsPerAddress: 2 });
  const shim = new NdisTapi(miniport, clock);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  const server = new TapiServer(shim, new NdisTapiClient(shim));
  if ((await server.start()) !== 0) throw new Error('bench: the TAPI server did not start');
  const client = new TrpClient(new TrpServer(server));
  const call = async <F extends RequestFuncName>(packet: RequestPacket<F>): Promise<TrpReply<F>> => {
    const reply = await client.call(packet);
    if (isTrpPacketError(reply)) throw new Error(reply.toString());
    return reply;
  };
  const events = async (): Promise<number[]> => {
    const decoded = await client.events();
    if (isAsyncEventError(decoded) || isTrpPacketError(decoded)) throw new Error(decoded.toString());
    const handles: number[] = [];
    for (const e of decoded) if (e.type === 'LINE_APPNEWCALL') handles.push(e.hCall);
    return handles;
  };
  const app = async (name: string, privileges: number, mediaModes: number): Promise<void> => {
    const init = await call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 1, dwFriendlyNameOffset: name, dwNumDevs: 0, dwModuleNameOffset: name, dwAPIVersion: 0x0002_0002 });
    const open = await call({
      func: 'lOpen', hLineApp: init.slots.hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 2,
      dwPrivileges: privileges, dwMediaModes: mediaModes, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 3,
    });
    if (open.returnValue !== 0) throw new Error(`bench: lOpen returned 0x${open.returnValue.toString(16)}`);
  };
  await app('owner', LINECALLPRIVILEGE_OWNER, LINEMEDIAMODE_DIGITALDATA);
  await app('monitor', LINECALLPRIVILEGE_MONITOR, 0);

  const lifecycle = async (): Promise<void> => {
    const offer = miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(`bench: offer refused (${offer.reason})`);
    const [owner, monitor] = await events();
    if (owner === undefined || monitor === undefined) throw new Error('bench: the call did not reach both applications');
    if ((await call({ func: 'lAnswer', dwRequestID: 0, hCall: owner, lpsUserUserInfo: null })).returnValue >= 0x8000_0000) throw new Error('bench: lAnswer failed');
    miniport.remote.hangUp(offer.hdCall);
    await call({ func: 'lDrop', dwRequestID: 0, hCall: owner, lpsUserUserInfo: null });
    await call({ func: 'lDeallocateCall', hCall: owner });
    await call({ func: 'lDeallocateCall', hCall: monitor });
    await events();
  };
  const n = 20_000;
  for (let i = 0; i < 2_000; i++) await lifecycle();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await lifecycle();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (verifier.violations.length > 0 || miniport.callCount !== 0) throw new Error(`bench: ${verifier.violations.length} violations, ${miniport.callCount} calls left`);

  // The miniport-level lifecycle, as the lifecycle row measures it, in the same run.
  const s = await stack(1);
  const loop = lifecycleLoop(s, () => {
    throw new Error('bench: a request failed');
  });
  loop(20_000);
  const b0 = process.hrtime.bigint();
  loop(200_000);
  const baseSeconds = Number(process.hrtime.bigint() - b0) / 1e9;
  const rate = n / seconds;
  const base = 200_000 / baseSeconds;
  return [{ name: 'tapi.lifecycle.owner-monitor-trp', value: Math.round(rate), unit: 'lifecycles/s', baseline: Math.round(base), ratio: Math.round((rate / base) * 1000) / 1000 }];
}
