import { Subject } from 'rxjs';
import type { SimCore, OfferRefusal } from './sim-core.js';

/** What the network offers: the call's line, address, media mode and party ids. */
export interface OfferOptions {
  /** 0-based line index on the adapter. Default 0. */
  readonly line?: number;
  /** Default 0. */
  readonly address?: number;
  /** One LINEMEDIAMODE_* bit (or UNKNOWN with candidates). */
  readonly mediaMode: number;
  readonly callerId?: string;
  readonly calledId?: string;
}

/** What the remote party did, as traces record it (before its effects). */
export type RemoteAction =
  | { readonly action: 'offer'; readonly line: number; readonly address: number; readonly mediaMode: number; readonly callerId: string; readonly calledId: string }
  | { readonly action: 'answer' | 'busy' | 'hangUp'; readonly hdCall: number }
  | { readonly action: 'fail'; readonly hdCall: number; readonly why: 'noanswer' | 'reject' | 'unreachable' };

/** Something that tells listeners the remote party's actions (RemoteParty; a recorder listens). */
export interface RemoteActionSource {
  listen(listener: (action: RemoteAction) => void): () => void;
}

export type OfferResult = { readonly ok: true; readonly hdCall: number; readonly htCall: number } | { readonly ok: false; readonly reason: OfferRefusal };

/** Why a remote-party action did nothing. */
export type RemoteRefusal = 'no-such-call' | 'wrong-state';

/**
 * The far end and the network, as test controls of the simulated miniport. Calls are named by
 * the miniport's hdCall. Each action returns what happened rather than throwing: an action
 * that does not apply in the call's state changes nothing.
 */
export class RemoteParty implements RemoteActionSource {
  /** Every action, as it is taken (before the indications it causes). */
  readonly actions$ = new Subject<RemoteAction>();
  /** Direct listeners (`listen`): told before `actions$`, with no Observable machinery per action. */
  private listeners: Array<(action: RemoteAction) => void> = [];

  constructor(private readonly core: SimCore) {}

  /** Tells `listener` every action as it is taken, as `actions$` does; returns the way to stop. */
  listen(listener: (action: RemoteAction) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Whether anyone hears the actions: they are built only then. */
  private get heard(): boolean {
    return this.listeners.length > 0 || this.actions$.observed;
  }

  private tell(action: RemoteAction): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(action);
    if (this.actions$.observed) this.actions$.next(action);
  }

  /** A call arrives. Indicated (LINE_NEWCALL, OFFERING) only when the line detects its media mode. */
  offer(options: OfferOptions): OfferResult {
    const line = options.line ?? 0;
    const address = options.address ?? 0;
    const callerId = options.callerId ?? '';
    const calledId = options.calledId ?? '';
    if (this.heard) this.tell({ action: 'offer', line, address, mediaMode: options.mediaMode, callerId, calledId });
    const r = this.core.offer(line, address, options.mediaMode, callerId, calledId);
    return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, hdCall: r.hdCall, htCall: r.htCall };
  }

  /** The far end answers an outgoing call: line-up, then CONNECTED. */
  answer(hdCall: number): RemoteRefusal | undefined {
    if (this.heard) this.tell({ action: 'answer', hdCall });
    return this.outcome(hdCall, 'answer');
  }

  /** The far end is busy: BUSY (LINEBUSYMODE_STATION). */
  busy(hdCall: number): RemoteRefusal | undefined {
    if (this.heard) this.tell({ action: 'busy', hdCall });
    return this.outcome(hdCall, 'busy');
  }

  /** An outgoing call fails: DISCONNECTED with the matching LINEDISCONNECTMODE_*. */
  fail(hdCall: number, why: 'noanswer' | 'reject' | 'unreachable'): RemoteRefusal | undefined {
    if (this.heard) this.tell({ action: 'fail', hdCall, why });
    return this.outcome(hdCall, why);
  }

  /** The far end hangs up: an unanswered offer goes IDLE, a connected call DISCONNECTED. */
  hangUp(hdCall: number): RemoteRefusal | undefined {
    // Taken on every call's lifecycle: no closure, no action object unless someone records it.
    if (this.heard) this.tell({ action: 'hangUp', hdCall });
    const call = this.core.calls.get(hdCall);
    if (call === undefined) return 'no-such-call';
    return this.core.remoteHangUp(call) ? undefined : 'wrong-state';
  }

  private outcome(hdCall: number, outcome: 'answer' | 'busy' | 'noanswer' | 'reject' | 'unreachable'): RemoteRefusal | undefined {
    const call = this.core.calls.get(hdCall);
    if (call === undefined) return 'no-such-call';
    return this.core.finishOutgoing(call, outcome) ? undefined : 'wrong-state';
  }
}
