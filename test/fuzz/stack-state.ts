import { LINECALLSTATE_CONNECTED, LINEMEDIAMODE_DIGITALDATA, NDIS_STATUS_SUCCESS, type Abi, type LayoutVariant } from '../../oid/index.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { Rig } from '../support/rig.js';

/** The line and call states a fuzz campaign starts from, in the order a call flow reaches them. */
export const STACK_STATES = ['fresh', 'initialized', 'lineOpen', 'callOffered', 'callConnected'] as const;
export type StackState = (typeof STACK_STATES)[number];

/** The ABIs and layout variants the simulated miniport can speak. */
export const WIRE_FORMS: ReadonlyArray<{ readonly abi: Abi; readonly variant: LayoutVariant }> = [
  { abi: 'x64', variant: 'wdk' },
  { abi: 'x64', variant: 'ddk' },
  { abi: 'x86', variant: 'wdk' },
];

/**
 * The handles valid in a state (0 where the state has none yet): what fuzzed buffers put in
 * their handle members, so requests reach past the handle checks into the handlers.
 */
export interface StateHandles {
  readonly deviceId: number;
  readonly addressId: number;
  readonly htLine: number;
  readonly hdLine: number;
  readonly htCall: number;
  readonly hdCall: number;
}

/** A rig (simulated miniport, NdisTapi, verifier, virtual clock) brought to `state` the normal way. */
export async function rigIn(state: StackState, wire: { readonly abi: Abi; readonly variant: LayoutVariant }): Promise<{ readonly rig: Rig; readonly handles: StateHandles }> {
  const rig = new Rig({ abi: wire.abi, variant: wire.variant });
  let htLine = 0;
  let hdLine = 0;
  let htCall = 0;
  let hdCall = 0;
  if (state !== 'fresh') {
    const init = await rig.client.initialize(0);
    if (init.status !== NDIS_STATUS_SUCCESS) throw new Error(`PROVIDER_INITIALIZE failed: ${init.status}`);
  }
  if (state === 'lineOpen' || state === 'callOffered' || state === 'callConnected') {
    const open = await rig.client.open(0);
    if (open.status !== NDIS_STATUS_SUCCESS) throw new Error(`OPEN failed: ${open.status}`);
    htLine = rig.shim.htLineFor(0);
    hdLine = rig.shim.lines.get(htLine)!.hdLine;
    const detect = await rig.client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA);
    if (detect.status !== NDIS_STATUS_SUCCESS) throw new Error(`SET_DEFAULT_MEDIA_DETECTION failed: ${detect.status}`);
  }
  if (state === 'callOffered' || state === 'callConnected') {
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551234' });
    if (!offer.ok) throw new Error(`offer refused: ${offer.reason}`);
    htCall = offer.htCall;
    hdCall = offer.hdCall;
  }
  if (state === 'callConnected') {
    const answer = await rig.client.answer(htCall);
    if (answer.status !== NDIS_STATUS_SUCCESS) throw new Error(`ANSWER failed: ${answer.status}`);
  }
  return { rig, handles: { deviceId: 0, addressId: 0, htLine, hdLine, htCall, hdCall } };
}

/**
 * Whether the stack still takes a normal incoming call after whatever was done to it: the
 * provider shut down and initialized again, line 0 opened for digital data, a call offered and
 * answered to CONNECTED with its line-up, and a verifier attached for this flow finding nothing.
 * Returns what went wrong, or undefined.
 */
export async function incomingCallFails(rig: Rig): Promise<string | undefined> {
  rig.miniport.policies.reset();
  const shutdown = await rig.client.shutdown();
  if (shutdown.status !== NDIS_STATUS_SUCCESS) return `PROVIDER_SHUTDOWN returned 0x${shutdown.status.toString(16)}`;
  // Shutdown frees everything, on both sides of the seam: nothing the fuzzing made is left.
  const left = { miniportCalls: rig.miniport.callCount, shimLines: rig.shim.lines.size, shimCalls: rig.shim.calls.size, shimLinks: rig.shim.links.size };
  if (Object.values(left).some((n) => n !== 0)) return `left after PROVIDER_SHUTDOWN: ${JSON.stringify(left)}`;
  const verifier = new Verifier(rig.shim, rig.miniport.abi, rig.miniport.variant);
  try {
    const htLine = await rig.bringUp();
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5550000' });
    if (!offer.ok) return `the offer was refused: ${offer.reason}`;
    const call = rig.shim.calls.get(offer.htCall);
    if (call === undefined || call.htLine !== htLine) return 'NdisTapi does not know the offered call';
    const answer = await rig.client.answer(offer.htCall);
    if (answer.status !== NDIS_STATUS_SUCCESS) return `ANSWER returned 0x${answer.status.toString(16)}`;
    const held = rig.miniport.calls.find((c) => c.hdCall === offer.hdCall);
    if (held?.state !== LINECALLSTATE_CONNECTED || !held.linkUp) return `the answered call is ${JSON.stringify(held)}`;
    const close = await rig.client.closeCall(offer.htCall);
    if (close.status !== NDIS_STATUS_SUCCESS) return `CLOSE_CALL returned 0x${close.status.toString(16)}`;
    if (rig.miniport.calls.some((c) => c.hdCall === offer.hdCall)) return 'CLOSE_CALL left the call behind';
    if (verifier.violations.length > 0) return `verifier: ${verifier.violations.map((v) => `${v.rule}: ${v.detail}`).join('; ')}`;
    return undefined;
  } finally {
    verifier.dispose();
  }
}
