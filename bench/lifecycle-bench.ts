import {
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  type StructName,
} from '../oid/index.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import { NdisTapi, type RequestResult } from '../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { decodeEventByHand, encodeEventByHand } from './event-dataview-baseline.js';
import { compareRates, type Figure } from './measure.js';
import { MiniportAlone } from './miniport-alone.js';
import { CallBuffer } from './call-buffer.js';

/** The stack the lifecycle figures run: SimulatedMiniport + NdisTapi + Verifier on the virtual clock. */
export interface Stack {
  readonly clock: VirtualClock;
  readonly miniport: SimulatedMiniport;
  readonly shim: NdisTapi;
  readonly verifier: Verifier;
  readonly htLine: number;
}

/** The stack, brought up; `before` runs first (to attach a recorder that sees the bring-up too). */
export async function stack(callsPerAddress: number, before?: (s: Omit<Stack, 'htLine'>) => void): Promise<Stack> {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock, lines: 1, callsPerAddress });
  const shim = new NdisTapi(miniport, clock);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  before?.({ clock, miniport, shim, verifier });
  const client = new NdisTapiClient(shim);
  await client.initialize(0);
  await client.open(0);
  const htLine = shim.htLineFor(0);
  await client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA);
  return { clock, miniport, shim, verifier, htLine };
}

/**
 * The measured loop: n complete incoming-call lifecycles (offer, ACCEPT, ANSWER, remote hang-up,
 * CLOSE_CALL), moving the clock `stepMs` after each. `failed` is told of any request that fails.
 */
export function lifecycleLoop(s: Stack, failed: () => void, stepMs = 0): (n: number) => number {
  const accept = new CallRequest(s, OID_TAPI_ACCEPT, 'NDIS_TAPI_ACCEPT');
  const answer = new CallRequest(s, OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER');
  const close = new CallRequest(s, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL');
  const check = (r: RequestResult): void => {
    if (r.status !== NDIS_STATUS_SUCCESS) failed();
  };
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const offer = s.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
      if (!offer.ok) throw new Error(`bench: offer refused (${offer.reason})`);
      accept.send(offer.hdCall, check);
      answer.send(offer.hdCall, check);
      s.miniport.remote.hangUp(offer.hdCall);
      close.send(offer.hdCall, check);
      if (stepMs > 0) s.clock.advance(stepMs);
      sum += offer.htCall & 0xff;
    }
    return sum;
  };
}

/** A call request through the whole stack, its buffer built once (CallBuffer). */
export class CallRequest {
  private readonly call: CallBuffer;
  constructor(
    private readonly s: Stack,
    readonly oid: number,
    structure: StructName,
  ) {
    this.call = new CallBuffer(structure, s.miniport.abi, s.miniport.variant);
  }
  send(hdCall: number, done: (r: RequestResult) => void): void {
    this.s.shim.submit('set', this.oid, this.call.for(hdCall), done);
  }
}

/**
 * Complete incoming-call lifecycles through the whole stack (issue 3, item 8): new call,
 * offering, ACCEPT, ANSWER (line-up, connected), remote hang-up (line-down, disconnected),
 * CLOSE_CALL (idle, freed), against a bare loop with plain Maps doing the same state changes
 * and the same 48-byte NDIS_TAPI_EVENT encode and decode for each of the six call events.
 */
export async function lifecycleFigures(): Promise<Figure[]> {
  const s = await stack(1);
  let failures = 0;
  const lifecycles = lifecycleLoop(s, () => failures++);

  // The baseline: the same six 48-byte events encoded and decoded by hand, state in plain Maps.
  const buf = new DataView(new ArrayBuffer(48));
  const byHd = new Map<number, { htCall: number; state: number }>();
  const byHt = new Map<number, number>();
  let nextHd = 0x20000;
  let nextHt = 0x7f000000;
  const ev = { htLine: 0x7e000000, htCall: 0, ulMsg: 0, ulParam1: 0, ulParam2: 0, ulParam3: 0 };
  const event = (htCall: number, msg: number, p1: number, p3: number): number => {
    ev.htCall = htCall;
    ev.ulMsg = msg;
    ev.ulParam1 = p1;
    ev.ulParam3 = p3;
    encodeEventByHand(ev, buf, 0);
    return decodeEventByHand(buf, 0).ulMsg;
  };
  const bare = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const hd = nextHd++;
      const ht = (nextHt += 16);
      sum += event(0, LINE_NEWCALL, hd, 0);
      const call = { htCall: ht, state: LINECALLSTATE_OFFERING };
      byHd.set(hd, call);
      byHt.set(ht, hd);
      sum += event(ht, LINE_CALLSTATE, LINECALLSTATE_OFFERING, LINEMEDIAMODE_DIGITALDATA);
      call.state = LINECALLSTATE_ACCEPTED;
      sum += event(ht, LINE_CALLSTATE, call.state, LINEMEDIAMODE_DIGITALDATA);
      call.state = LINECALLSTATE_CONNECTED;
      sum += event(ht, LINE_CALLSTATE, call.state, LINEMEDIAMODE_DIGITALDATA);
      call.state = LINECALLSTATE_DISCONNECTED;
      sum += event(ht, LINE_CALLSTATE, call.state, LINEMEDIAMODE_DIGITALDATA);
      call.state = LINECALLSTATE_IDLE;
      sum += event(ht, LINE_CALLSTATE, call.state, LINEMEDIAMODE_DIGITALDATA);
      byHd.delete(hd);
      byHt.delete(ht);
    }
    return sum;
  };

  const rate = compareRates('lifecycle.incoming', lifecycles, bare, { n: 20_000, rounds: 9 });
  if (failures > 0 || s.verifier.violations.length > 0 || s.miniport.callCount !== 0) {
    throw new Error(`bench: ${failures} failed requests, ${s.verifier.violations.length} violations, ${s.miniport.callCount} calls left`);
  }

  // Where the whole stack's time goes: the same lifecycles without the verifier, and through the
  // simulated miniport alone with the least an NDISTAPI could do above it (the floor).
  const unverified = await stack(1);
  unverified.verifier.dispose();
  const withoutVerifier = compareRates('lifecycle.incoming.without-verifier', lifecycleLoop(unverified, () => failures++), bare, { n: 20_000, rounds: 9 });
  const alone = new MiniportAlone();
  const miniportAlone = compareRates('lifecycle.incoming.miniport-alone', alone.loop, bare, { n: 20_000, rounds: 9 });
  if (failures > 0 || alone.failed > 0 || unverified.miniport.callCount !== 0 || alone.miniport.callCount !== 0) {
    throw new Error(`bench: ${failures + alone.failed} failed lifecycles or calls left in the breakdown`);
  }
  return [
    { ...rate, unit: 'lifecycles/s' },
    { ...withoutVerifier, unit: 'lifecycles/s' },
    { ...miniportAlone, unit: 'lifecycles/s' },
    await heldCallMemory(),
  ];
}

const HELD = 100_000;

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Memory per held call: 100,000 incoming calls answered and left connected, heap used before and
 * after (after full collections when node runs with --expose-gc), per call. The baseline is
 * the same count of calls held as plain objects in two Maps (hdCall → call, htCall → hdCall).
 */
async function heldCallMemory(): Promise<Figure> {
  const s = await stack(HELD);
  const answer = new CallRequest(s, OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER');
  const before = heapUsed();
  for (let i = 0; i < HELD; i++) {
    const offer = s.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(`bench: offer ${i} refused (${offer.reason})`);
    answer.send(offer.hdCall, () => undefined);
  }
  const perCall = (heapUsed() - before) / HELD;
  if (s.miniport.callCount !== HELD || s.shim.calls.size !== HELD || s.verifier.liveCalls !== HELD) throw new Error('bench: calls were not all held');

  const b0 = heapUsed();
  const byHd = new Map<number, { htCall: number; state: number; linkContext: number }>();
  const byHt = new Map<number, number>();
  for (let i = 0; i < HELD; i++) {
    byHd.set(0x20000 + i, { htCall: 0x7f000000 + i * 16, state: LINECALLSTATE_CONNECTED, linkContext: 0x6e000000 + i * 16 });
    byHt.set(0x7f000000 + i * 16, 0x20000 + i);
  }
  const basePerCall = (heapUsed() - b0) / HELD;
  if (byHd.size !== HELD || byHt.size !== HELD) throw new Error('unreachable');
  return { name: 'memory.held-call', value: Math.round(perCall), unit: 'bytes/call', baseline: Math.round(basePerCall), ratio: Math.round((perCall / basePerCall) * 1000) / 1000 };
}
