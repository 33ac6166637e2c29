import {
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_UNKNOWN,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_TAPI_INVALLINESTATE,
  OID_TAPI_SET_STATUS_MESSAGES,
  codecFor,
  isCodecError,
  type RequestKind,
} from '../../oid/index.js';
import type { ByteCounts } from '../../miniport/miniport.js';
import { MiniportWrapper } from '../../miniport/miniport-wrapper.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import type { HandoffPriorities } from '../../tapi/handoff-priorities.js';
import type { LineApp } from '../../tapi/line-app.js';
import type { LineMessage } from '../../tapi/line-message.js';
import { TapiServer } from '../../tapi/tapi-server.js';

/*
 * A test rig for the TAPI server's tests: the simulated miniport, wrapped so a test can also
 * make it indicate any NDIS_TAPI_EVENT (LINE_CLOSE, LINE_LINEDEVSTATE, LINE_CREATE ... that the
 * simulated miniport never sends by itself), NDISTAPI above it, and the server.
 */

/**
 * The simulated miniport, plus indications a test makes it raise. With `lineStates`, it is a
 * miniport whose lines report only those LINEDEVSTATE_ changes: OID_TAPI_SET_STATUS_MESSAGES
 * asking for any other is refused with NDIS_STATUS_TAPI_INVALLINESTATE.
 */
export class IndicatingMiniport extends MiniportWrapper {
  constructor(
    readonly sim: SimulatedMiniport,
    private readonly lineStates?: number,
  ) {
    super(sim);
  }
  override request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    if (oid === OID_TAPI_SET_STATUS_MESSAGES && this.lineStates !== undefined) {
      const v = codecFor('NDIS_TAPI_SET_STATUS_MESSAGES', this.abi, this.variant).decode(buffer);
      if (!isCodecError(v) && (v.ulLineStates & ~this.lineStates) !== 0) return NDIS_STATUS_TAPI_INVALLINESTATE;
    }
    return super.request(requestId, kind, oid, buffer, counts);
  }
  /** NdisMIndicateStatus(NDIS_STATUS_TAPI_INDICATION) with an NDIS_TAPI_EVENT; ulParam2 as it stands after delivery (LINE_NEWCALL's htCall). */
  indicate(htLine: number, htCall: number, ulMsg: number, ulParam1 = 0, ulParam2 = 0, ulParam3 = 0): number {
    const codec = codecFor('NDIS_TAPI_EVENT', this.abi, this.variant);
    const bytes = codec.encode({ htLine, htCall, ulMsg, ulParam1, ulParam2, ulParam3 });
    if (isCodecError(bytes)) throw new Error(bytes.toString());
    this.indicateUp(NDIS_STATUS_TAPI_INDICATION, bytes);
    const after = codec.decode(bytes);
    if (isCodecError(after)) throw new Error(after.toString());
    return Number(after.ulParam2);
  }
}

export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The media modes the rig's lines carry. */
export const RIG_MEDIA_MODES = LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_DATAMODEM | LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_G3FAX | LINEMEDIAMODE_UNKNOWN;

export async function tapiRig(options: { readonly priorities?: HandoffPriorities; readonly lineStates?: number } = {}) {
  const clock = new VirtualClock();
  const sim = new SimulatedMiniport({ clock, callsPerAddress: 4, mediaModes: RIG_MEDIA_MODES });
  const miniport = new IndicatingMiniport(sim, options.lineStates);
  const shim = new NdisTapi(miniport, clock);
  const client = new NdisTapiClient(shim);
  const server = new TapiServer(shim, client, { clock, ...(options.priorities === undefined ? {} : { priorities: options.priorities }) });
  const started = await server.start();
  if (started !== 0) throw new Error(`start ${started}`);
  const app = (name: string, ctx = 0): LineApp => {
    const r = server.initialize(name, name, ctx);
    if (typeof r === 'number') throw new Error(`initialize ${r}`);
    return server.app(r.hLineApp)!;
  };
  const open = async (a: LineApp, privileges: number, mediaModes: number, ctx = 0, apiVersion = 0x0003_0000): Promise<number> => {
    const r = await server.open(a.hLineApp, 0, privileges, mediaModes, ctx, apiVersion);
    if (typeof r === 'number') throw new Error(`open ${(r >>> 0).toString(16)}`);
    return r.hLine;
  };
  const drain = (a: LineApp): LineMessage[] => a.queue.splice(0);
  /** A fresh incoming call; the hCall the first message to `a` names. */
  const incoming = (a: LineApp, mediaMode: number, callerId = ''): number => {
    const r = sim.remote.offer({ mediaMode, callerId });
    if (!r.ok) throw new Error(`offer: ${r.reason}`);
    const first = drain(a)[0];
    if (first === undefined) throw new Error('no message for the call');
    return first.param2;
  };
  return { clock, sim, miniport, shim, client, server, app, open, drain, incoming };
}

/** A structure's DWORD at `at`. */
export const dw = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

/** The UTF-16LE text at `at`, `size` bytes with its NUL. */
export const text16 = (b: Uint8Array, at: number, size: number): string => {
  let s = '';
  for (let i = 0; i + 1 < size; i += 2) {
    const c = b[at + i]! | (b[at + i + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
};

export const msgs = (ms: readonly LineMessage[]) => ms.map((m) => [m.msg, m.param1, m.param2, m.param3]);
