import type { Observable } from 'rxjs';
import type { CompletionPolicy } from './completion-policy.js';
import type { Miniport, MiniportSink } from './miniport.js';
import type { OfferOptions, OfferResult, RemoteAction, RemoteRefusal } from './remote-party.js';
import type { SimulatedMiniportConfig } from './sim-config.js';

/** The far end of a miniport's lines, as test controls (RemoteParty on the simulated miniport). */
export interface RemoteControls {
  /** Every action, as it is taken (before the indications it causes). */
  readonly actions$: Observable<RemoteAction>;
  offer(options: OfferOptions): OfferResult;
  answer(hdCall: number): RemoteRefusal | undefined;
  busy(hdCall: number): RemoteRefusal | undefined;
  fail(hdCall: number, why: 'noanswer' | 'reject' | 'unreachable'): RemoteRefusal | undefined;
  hangUp(hdCall: number): RemoteRefusal | undefined;
}

/** How requests are answered (CompletionPolicies on the simulated miniport). */
export interface PolicyControls {
  setDefault(policy: CompletionPolicy): void;
  setForOid(oid: number, policy: CompletionPolicy | undefined): void;
  setForNext(policy: CompletionPolicy, oid?: number): void;
}

/**
 * A miniport that scenarios and replays can drive: the seam plus the test controls a scenario
 * uses (remote party, completion policies, completing held requests) and the configuration it
 * was built with. The simulated miniport is one; a native library that understands the
 * loopback library's controls (docs/bridge.md) is another, through NativeTarget.
 */
export interface ScriptableMiniport extends Miniport {
  readonly config: SimulatedMiniportConfig;
  readonly remote: RemoteControls;
  readonly policies: PolicyControls;
  /** Request ids pended and not yet completed, oldest first. */
  readonly outstanding: readonly number[];
  /** Completes a held request now (the oldest when no id is given); false when there is none. */
  complete(requestId?: number): boolean;
  /** Stops the miniport's timers and releases it. */
  dispose(): void;
  attach(sink: MiniportSink): () => void;
}
