import type { ScriptableMiniport } from '../scriptable-miniport.js';
import { CompletesTwice } from './completes-twice.js';
import type { FaultyMiniport } from './faulty-miniport.js';
import { ForgetsHtCall } from './forgets-htcall.js';
import { IndicatesAfterIdle } from './indicates-after-idle.js';
import { LeaksCallOnCloseDuringAnswer } from './leaks-call-on-close-during-answer.js';
import { NewCallWithoutOffering } from './newcall-without-offering.js';
import { WrongBytesNeeded } from './wrong-bytes-needed.js';

export { FaultyMiniport } from './faulty-miniport.js';

/** The deliberately broken variants, by the name `--faulty` and a scenario's `faulty` take. */
export const FAULTY_VARIANTS = {
  'forgets-htcall': { summary: 'keeps 0 instead of the htCall NDISTAPI wrote into ulParam2 of LINE_NEWCALL, and indicates with it', make: (m: ScriptableMiniport) => new ForgetsHtCall(m) },
  'indicates-after-idle': { summary: 'indicates LINE_CALLSTATE DISCONNECTED for a call right after its IDLE', make: (m: ScriptableMiniport) => new IndicatesAfterIdle(m) },
  'completes-twice': { summary: 'completes every pended request twice', make: (m: ScriptableMiniport) => new CompletesTwice(m) },
  'leaks-call-on-close-during-answer': {
    summary: 'a CLOSE_CALL right behind a pended ANSWER (queued while it was pending) succeeds but frees nothing',
    make: (m: ScriptableMiniport) => new LeaksCallOnCloseDuringAnswer(m),
  },
  'wrong-bytes-needed': { summary: 'answers a short buffer with NDIS_STATUS_INVALID_LENGTH and BytesNeeded = the bytes given', make: (m: ScriptableMiniport) => new WrongBytesNeeded(m) },
  'newcall-without-offering': { summary: 'indicates LINE_NEWCALL but never LINE_CALLSTATE OFFERING', make: (m: ScriptableMiniport) => new NewCallWithoutOffering(m) },
} as const satisfies Record<string, { readonly summary: string; readonly make: (m: ScriptableMiniport) => FaultyMiniport }>;

export type FaultyName = keyof typeof FAULTY_VARIANTS;

export const FAULTY_NAMES: readonly FaultyName[] = Object.keys(FAULTY_VARIANTS) as FaultyName[];

export function isFaultyName(name: string): name is FaultyName {
  return Object.prototype.hasOwnProperty.call(FAULTY_VARIANTS, name);
}

/** Wraps a miniport in a broken variant. */
export function faultyMiniport(name: FaultyName, inner: ScriptableMiniport): FaultyMiniport {
  return FAULTY_VARIANTS[name].make(inner);
}
