import {
  LINEBUSYMODE_STATION,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_BUSY,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_PROCEEDING,
  LINECALLSTATE_RINGBACK,
  LINEDISCONNECTMODE_NOANSWER,
  LINEDISCONNECTMODE_NORMAL,
  LINEDISCONNECTMODE_REJECT,
  LINEDISCONNECTMODE_UNREACHABLE,
  nameOf,
} from '../../oid/index.js';
import type { OfferResult, RemoteAction, RemoteRefusal } from '../../miniport/remote-party.js';
import type { OfferRefusal } from '../../miniport/sim-core.js';
import type { SimulatedMiniportConfig } from '../../miniport/sim-config.js';
import type { Expected } from './effect-script.js';
import { callStateOf, lineDownOf, lineUpOf } from './expected-indications.js';
import type { Fault, Witness } from './mismatch.js';
import type { ModelCall, ModelState } from './model-state.js';

/** What a remote-party control answered: an offer's result, or a refusal (undefined: done). */
export type RemoteReply = OfferResult | RemoteRefusal | undefined;

/** What the contract says a remote-party action does: refused (and why) or done, with the indications it causes. */
export interface RemoteVerdict {
  readonly refusal: OfferRefusal | RemoteRefusal | undefined;
  readonly scripts: readonly (readonly Expected[])[];
  readonly after?: (reply: RemoteReply) => Fault | undefined;
}

const PLACING = LINECALLSTATE_DIALING | LINECALLSTATE_PROCEEDING | LINECALLSTATE_RINGBACK;
const OFFERED = LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED;
const hex = (v: number): string => `0x${v.toString(16)}`;

/**
 * The remote party's controls, as the contract and wanemu's controls (docs/bridge.md) define
 * them: an offer is indicated only on an open line detecting its media mode with a free call
 * appearance, as LINE_NEWCALL then OFFERING (ndis-tapi.md §5, §6.6); the far end answers,
 * is busy or hangs up only in the states where that means something.
 */
export function remoteVerdict(state: ModelState, config: SimulatedMiniportConfig, a: RemoteAction, now: number, epoch: number): RemoteVerdict {
  if (a.action === 'offer') {
    const refused = (refusal: OfferRefusal): RemoteVerdict => ({ refusal, scripts: [] });
    if (!state.initialized) return refused('not-initialized');
    const line = state.lines[a.line];
    if (line === undefined) return refused('no-such-line');
    if (!(a.address >= 0 && a.address < config.addressesPerLine)) return refused('no-such-address');
    if (!line.open) return refused('line-closed');
    if (a.mediaMode === 0 || ((a.mediaMode >>> 0) & ~line.detecting) !== 0) return refused('media-mode-not-detected');
    if (state.busy(line.index, a.address) >= config.callsPerAddress) return refused('address-busy');
    let created: ModelCall | undefined;
    const newCall: Expected = {
      text: `LINE_NEWCALL on htLine ${hex(line.htLine)}`,
      optional: false,
      matches: (r) => r.kind === 'newCall' && r.htLine === line.htLine && r.htCall === 0 && r.p2 === 0 && r.p3 === 0 && r.p1 !== 0 && !state.byHd.has(r.p1) && r.back !== 0,
      apply: (r) => {
        created = { htCall: r.back, hdCall: r.p1, line: line.index, address: a.address, inbound: true, mediaMode: a.mediaMode, state: LINECALLSTATE_OFFERING, deferred: false, deferredEpoch: 0, timeoutAt: now + config.offerTimeoutMs, offerEpoch: epoch, linkContext: 0 };
        state.add(created);
      },
      witness: { kind: 'event', event: 'newCall', htCall: 0 },
    };
    const offering: Expected = {
      text: `LINE_CALLSTATE OFFERING with media mode ${nameOf('LINEMEDIAMODE', a.mediaMode)} after LINE_NEWCALL`,
      optional: false,
      matches: (r) => created !== undefined && r.kind === 'callState' && r.htCall === created.htCall && r.p1 === LINECALLSTATE_OFFERING && r.p3 === a.mediaMode,
      get witness(): Witness | undefined {
        return created === undefined ? undefined : { kind: 'event', event: 'callState', htCall: created.htCall, state: LINECALLSTATE_OFFERING };
      },
    };
    return {
      refusal: undefined,
      scripts: [[newCall, offering]],
      after: (reply) => {
        if (typeof reply !== 'object' || !reply.ok || created === undefined) return undefined;
        if (reply.hdCall === created.hdCall && reply.htCall === created.htCall) return undefined;
        return { message: `the offer's control reply names hdCall ${hex(reply.hdCall)} htCall ${hex(reply.htCall)}; the indications named ${hex(created.hdCall)} ${hex(created.htCall)}`, witness: undefined };
      },
    };
  }
  const call = state.byHd.get(a.hdCall);
  if (call === undefined) return { refusal: 'no-such-call', scripts: [] };
  const wrong: RemoteVerdict = { refusal: 'wrong-state', scripts: [] };
  switch (a.action) {
    case 'answer':
      return (call.state & PLACING) === 0 ? wrong : { refusal: undefined, scripts: [[lineUpOf(state, call), callStateOf(state, call, LINECALLSTATE_CONNECTED)]] };
    case 'busy':
      return (call.state & PLACING) === 0 ? wrong : { refusal: undefined, scripts: [[callStateOf(state, call, LINECALLSTATE_BUSY, { mode: LINEBUSYMODE_STATION })]] };
    case 'hangUp':
      if ((call.state & OFFERED) !== 0) return { refusal: undefined, scripts: [[callStateOf(state, call, LINECALLSTATE_IDLE)]] };
      if (call.state === LINECALLSTATE_CONNECTED) {
        return { refusal: undefined, scripts: [[...(call.linkContext !== 0 ? [lineDownOf(state, call)] : []), callStateOf(state, call, LINECALLSTATE_DISCONNECTED, { mode: LINEDISCONNECTMODE_NORMAL })]] };
      }
      return wrong;
    case 'fail': {
      const mode = a.why === 'noanswer' ? LINEDISCONNECTMODE_NOANSWER : a.why === 'reject' ? LINEDISCONNECTMODE_REJECT : LINEDISCONNECTMODE_UNREACHABLE;
      return (call.state & PLACING) === 0 ? wrong : { refusal: undefined, scripts: [[callStateOf(state, call, LINECALLSTATE_DISCONNECTED, { mode })]] };
    }
  }
}

/** The refusal a reply carries (undefined: the action was done). */
export function refusalOf(reply: RemoteReply): OfferRefusal | RemoteRefusal | undefined {
  if (typeof reply === 'object') return reply.ok ? undefined : reply.reason;
  return reply;
}
