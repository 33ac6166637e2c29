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

/** One event's transition, its `from` states folded into a bit mask (every LINECALLSTATE_* is a single bit). */
interface Folded {
  readonly from: number;
  readonly to: number | 'given';
}

const fold = (e: CallEvent): Folded => ({ from: CALL_TRANSITIONS[e].from.reduce((m, s) => m | s, 0), to: CALL_TRANSITIONS[e].to });
const ACCEPT = fold('accept');
const ANSWER = fold('answer');
const OFFER_TIMEOUT = fold('offerTimeout');
const ABANDON = fold('abandon');
const PLACE = fold('place');
const PROGRESS = fold('progress');
const REMOTE_ANSWER = fold('remoteAnswer');
const REMOTE_BUSY = fold('remoteBusy');
const REMOTE_FAIL = fold('remoteFail');
const REMOTE_HANG_UP = fold('remoteHangUp');
const DROP = fold('drop');
const TRANSFER = fold('transfer');
const REDIRECT = fold('redirect');

/** The folded transition of an event: a switch on the name, which compiles to a few compares (a keyed lookup by a varying name does not). */
function folded(event: CallEvent): Folded {
  switch (event) {
    case 'accept':
      return ACCEPT;
    case 'answer':
      return ANSWER;
    case 'offerTimeout':
      return OFFER_TIMEOUT;
    case 'abandon':
      return ABANDON;
    case 'place':
      return PLACE;
    case 'progress':
      return PROGRESS;
    case 'remoteAnswer':
      return REMOTE_ANSWER;
    case 'remoteBusy':
      return REMOTE_BUSY;
    case 'remoteFail':
      return REMOTE_FAIL;
    case 'remoteHangUp':
      return REMOTE_HANG_UP;
    case 'drop':
      return DROP;
    case 'transfer':
      return TRANSFER;
    case 'redirect':
      return REDIRECT;
  }
}

/** The state `event` leads to from `state`, or undefined when the event does not apply there. */
export function nextCallState(state: number, event: CallEvent, given?: number): number | undefined {
  const t = folded(event);
  if (state === 0 || (t.from & state) !== state) return undefined;
  return t.to === 'given' ? given : t.to;
}

/** The states an outgoing call's progress may show (SimulatedMiniportConfig.outgoing.progress). */
export const PROGRESS_STATES: readonly number[] = PLACING;

/** Every LINECALLSTATE_* a simulated call can be in (LINE_ADDRESS_CAPS.ulCallStates). */
export const SIMULATED_CALL_STATES = [LINECALLSTATE_IDLE, ...LIVE].reduce((a, s) => a | s, 0) >>> 0;
