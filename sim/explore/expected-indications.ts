import { LINECALLSTATE_OFFERING, nameOf } from '../../oid/index.js';
import type { Expected } from './effect-script.js';
import type { ModelCall, ModelState } from './model-state.js';

const hex = (v: number): string => `0x${v.toString(16)}`;

/** LINE_CALLSTATE `to` for the call (with the mode and media mode, when given). */
export function callStateOf(state: ModelState, call: ModelCall, to: number, o: { readonly mode?: number; readonly media?: number; readonly optional?: boolean } = {}): Expected {
  return {
    text: `LINE_CALLSTATE ${nameOf('LINECALLSTATE', to)} for htCall ${hex(call.htCall)}`,
    optional: o.optional === true,
    matches: (r) => r.kind === 'callState' && r.htCall === call.htCall && r.p1 === to && (o.mode === undefined || r.p2 === o.mode) && (o.media === undefined || r.p3 === o.media),
    apply: () => {
      call.state = to;
      call.deferred = false;
      if (to !== LINECALLSTATE_OFFERING) call.timeoutAt = undefined;
      void state;
    },
    witness: { kind: 'event', event: 'callState', htCall: call.htCall, state: to },
  };
}

/** NDIS_STATUS_WAN_LINE_UP for the call (ConnectionWrapperID = htCall). */
export function lineUpOf(state: ModelState, call: ModelCall): Expected {
  return {
    text: `NDIS_STATUS_WAN_LINE_UP for htCall ${hex(call.htCall)}`,
    optional: false,
    matches: (r) => r.kind === 'lineUp' && r.htCall === call.htCall && call.linkContext === 0,
    apply: (r) => state.linkUp(call, r.back),
    witness: { kind: 'event', event: 'lineUp', htCall: call.htCall },
  };
}

/** NDIS_STATUS_WAN_LINE_DOWN for the call's link. */
export function lineDownOf(state: ModelState, call: ModelCall): Expected {
  const context = call.linkContext;
  return {
    text: `NDIS_STATUS_WAN_LINE_DOWN for the link of htCall ${hex(call.htCall)} (NdisLinkContext ${hex(context)})`,
    optional: false,
    matches: (r) => r.kind === 'lineDown' && r.back === context,
    apply: () => state.linkDown(call),
    witness: { kind: 'event', event: 'lineDown', htCall: call.htCall },
  };
}

/** LINE_CALLINFO with exactly `bits` changed. */
export function callInfoOf(call: ModelCall, bits: number): Expected {
  return {
    text: `LINE_CALLINFO ${nameOf('LINECALLINFOSTATE', bits)} for htCall ${hex(call.htCall)}`,
    optional: false,
    matches: (r) => r.kind === 'callInfo' && r.htCall === call.htCall && r.p1 === bits,
    witness: { kind: 'event', event: 'callInfo', htCall: call.htCall },
  };
}

/** What dropping a call indicates: its line-down (when its link is up), then IDLE (unless it is IDLE). */
export function dropScript(state: ModelState, call: ModelCall, idle: number): Expected[] {
  return [...(call.linkContext !== 0 ? [lineDownOf(state, call)] : []), ...(call.state !== idle ? [callStateOf(state, call, idle)] : [])];
}
