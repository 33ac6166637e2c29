import {
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_BUSY,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_PROCEEDING,
  LINECALLSTATE_RINGBACK,
} from '../oid/index.js';

/** What moves a simulated call from one LINECALLSTATE_* to the next. */
export type CallEvent =
  | 'accept'
  | 'answer'
  | 'offerTimeout'
  | 'abandon'
  | 'place'
  | 'progress'
  | 'remoteAnswer'
  | 'remoteBusy'
  | 'remoteFail'
  | 'remoteHangUp'
  | 'drop'
  | 'transfer'
  | 'redirect';

interface Transition {
  /** The states the event applies in. */
  readonly from: readonly number[];
  /** The state it leads to; `given` for progress, whose target comes with the event. */
  readonly to: number | 'given';
}

const OFFERED = [LINECALLSTATE_OFFERING, LINECALLSTATE_ACCEPTED];
const PLACING = [LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK];
const LIVE = [
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_DIALTONE,
  ...PLACING,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_BUSY,
  LINECALLSTATE_DISCONNECTED,
];

/**
 * The call state machine of the simulated miniport, as data (ndis-tapi.md §6.6, §6.7, §7.6):
 * inbound OFFERING → (ACCEPTED) → CONNECTED → DISCONNECTED → IDLE; outbound DIALTONE → DIALING
 * → PROCEEDING → RINGBACK → CONNECTED, or BUSY / DISCONNECTED; any live state → IDLE on DROP.
 * IDLE is terminal: the call lives on only until CLOSE_CALL frees it.
 */
export const CALL_TRANSITIONS: Readonly<Record<CallEvent, Transition>> = {
  /** OID_TAPI_ACCEPT: the call context is set up, the call not answered. */
  accept: { from: [LINECALLSTATE_OFFERING], to: LINECALLSTATE_ACCEPTED },
  /** OID_TAPI_ANSWER, with or without a prior ACCEPT. */
  answer: { from: OFFERED, to: LINECALLSTATE_CONNECTED },
  /** Neither ACCEPT nor ANSWER came within the configured time. */
  offerTimeout: { from: OFFERED, to: LINECALLSTATE_IDLE },
  /** The caller hung up before the call was answered. */
  abandon: { from: OFFERED, to: LINECALLSTATE_IDLE },
  /** OID_TAPI_DIAL on a call MAKE_CALL left in DIALTONE: the first progress state. */
  place: { from: [LINECALLSTATE_DIALTONE], to: 'given' },
  /** The network reports progress of an outgoing call (the target state comes with it). */
  progress: { from: PLACING, to: 'given' },
  /** The far end answers an outgoing call. */
  remoteAnswer: { from: PLACING, to: LINECALLSTATE_CONNECTED },
  /** The far end is busy. */
  remoteBusy: { from: PLACING, to: LINECALLSTATE_BUSY },
  /** The outgoing call fails (no answer, rejected, unreachable). */
  remoteFail: { from: PLACING, to: LINECALLSTATE_DISCONNECTED },
  /** The far end hangs up a connected call. */
  remoteHangUp: { from: [LINECALLSTATE_CONNECTED], to: LINECALLSTATE_DISCONNECTED },
  /** OID_TAPI_DROP, or CLOSE_CALL on a live call. */
  drop: { from: LIVE, to: LINECALLSTATE_IDLE },
  /** wanemu's device-specific blind transfer (docs/dev-specific.md): the connected call leaves for another party. */
  transfer: { from: [LINECALLSTATE_CONNECTED], to: LINECALLSTATE_IDLE },
  /** wanemu's device-specific redirect: an offered call is deflected before it is answered. */
  redirect: { from: OFFERED, to: LINECALLSTATE_IDLE },
};

/** Each event's `from` states as one bit mask (every LINECALLSTATE_* is a single bit). */
const FROM_MASK: Readonly<Record<CallEvent, number>> = Object.fromEntries(
  Object.entries(CALL_TRANSITIONS).map(([e, t]) => [e, t.from.reduce((m, s) => m | s, 0)]),
) as Record<CallEvent, number>;

/** The state `event` leads to from `state`, or undefined when the event does not apply there. */
export function nextCallState(state: number, event: CallEvent, given?: number): number | undefined {
  if (state === 0 || (FROM_MASK[event] & state) !== state) return undefined;
  const to = CALL_TRANSITIONS[event].to;
  return to === 'given' ? given : to;
}

/** The states an outgoing call's progress may show (SimulatedMiniportConfig.outgoing.progress). */
export const PROGRESS_STATES: readonly number[] = PLACING;

/** Every LINECALLSTATE_* a simulated call can be in (LINE_ADDRESS_CAPS.ulCallStates). */
export const SIMULATED_CALL_STATES = [LINECALLSTATE_IDLE, ...LIVE].reduce((a, s) => a | s, 0) >>> 0;
