import {
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_CLOSE,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_PROVIDER_SHUTDOWN,
  nameOf,
  type RequestKind,
  type StructName,
} from '../../oid/index.js';
import { StructAccesses, type StructAccess } from '../../miniport/struct-access.js';
import type { RemoteAction } from '../../miniport/remote-party.js';
import type { SimulatedMiniportConfig } from '../../miniport/sim-config.js';
import type { ExchangeSink, ExchangeSource } from '../../ndistapi/exchange-sink.js';
import type { Clock } from '../clock.js';
import { matchScripts } from './effect-script.js';
import { IndicationReader, describeIndication, type IndicationRecord } from './indication-record.js';
import type { Fault, Mismatch } from './mismatch.js';
import { ModelState } from './model-state.js';
import { verdictOn, type ContractContext } from './oid-contract.js';
import { refusalOf, remoteVerdict, type RemoteReply } from './remote-contract.js';
import { RequestReader, type SentRequest } from './sent-request.js';

const hex = (v: number): string => `0x${v.toString(16)}`;
const status = (s: number): string => nameOf('NDIS_STATUS', s);

interface Pended {
  readonly r: SentRequest;
  /** Indications in scope since it was sent (or since anything else happened). */
  buffer: IndicationRecord[];
}

/**
 * The reference model of the miniport contract (ndis-tapi.md §5-§9), checked on every exchange
 * besides the verifier's rules: lines and calls as states, what each request must get in each
 * state (status, BytesNeeded, OUT members), which indications must come with it, which the
 * remote party's actions and the miniport's timers (offer timeout, an outgoing call's first
 * state) cause, and nothing else: nothing after IDLE, one completion per pended request.
 *
 * The work of a pended request shows just before its completion; indications in its scope that
 * came earlier in the same engine action are the timers', and the model tries each split.
 * The engine tells the model what no exchange shows: a remote-party action (with its reply),
 * the end of a clock advance, and the end of each action (`checkpoint`), where obligations due
 * (a timed-out offer's IDLE, an outgoing call's first state) are checked.
 *
 * It models the configuration `wanemu explore` uses: outgoing progress of one state, outcome
 * `manual` (the remote party answers or refuses), no status messages enabled.
 */
export class ContractModel implements ExchangeSink, ContractContext {
  readonly mismatches: Mismatch[] = [];
  readonly state: ModelState;
  epoch = 0;
  private readonly reader: IndicationReader;
  private readonly requests: RequestReader;
  private readonly accessors: StructAccesses;
  private readonly detach: () => void;
  private current: SentRequest | undefined;
  private currentEffects: IndicationRecord[] = [];
  private pending: Pended | undefined;
  private remote: RemoteAction | undefined;
  private remoteEffects: IndicationRecord[] = [];
  private last: IndicationRecord | undefined;
  private readonly history: IndicationRecord[] = [];
  private seq = 0;

  constructor(
    source: ExchangeSource,
    readonly config: SimulatedMiniportConfig,
    private readonly clock: Clock,
  ) {
    this.state = new ModelState(config.lines);
    this.accessors = new StructAccesses(config.abi, config.variant);
    this.reader = new IndicationReader(config.abi, config.variant);
    this.requests = new RequestReader(config.abi, config.variant);
    this.detach = source.attach(this);
  }

  dispose(): void {
    this.detach();
  }

  now(): number {
    return this.clock.now();
  }

  access(structure: StructName): StructAccess {
    return this.accessors.of(structure);
  }

  /** The request pended and not yet completed, if any. */
  get pendingRequest(): SentRequest | undefined {
    return this.pending?.r;
  }

  onRequest(seq: number, time: number, requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void {
    this.seq = seq;
    this.flush();
    this.current = this.requests.read(requestId, kind, oid, buffer, seq, time);
    this.currentEffects = [];
  }

  onOutcome(type: 'return' | 'completion', seq: number, _time: number, requestId: number, _kind: RequestKind, oid: number, st: number, _used: number, needed: number, buffer: Uint8Array): void {
    this.seq = seq;
    if (type === 'return') {
      const r = this.current;
      if (r === undefined || r.requestId !== requestId) return;
      this.current = undefined;
      if (st === NDIS_STATUS_PENDING) {
        this.pending = { r, buffer: this.currentEffects };
        return;
      }
      this.record(this.judge(r, st, needed, buffer, this.currentEffects));
      return;
    }
    const p = this.pending;
    if (p === undefined || p.r.requestId !== requestId) {
      this.record({ message: `a completion of ${nameOf('OID', oid)} request ${requestId}, which is not pending: each pended request completes exactly once`, witness: undefined });
      return;
    }
    this.pending = undefined;
    this.record(this.judgeSplit(p, st, needed, buffer));
  }

  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, st: number, buffer: Uint8Array): void {
    this.seq = seq;
    if (type === 'indicationReturn') {
      if (this.last !== undefined) this.reader.readBack(this.last, buffer);
      this.last = undefined;
      return;
    }
    const r = this.reader.read(st, buffer, seq, time);
    this.history.push(r);
    this.last = r;
    if (this.current !== undefined) this.currentEffects.push(r);
    else if (this.remote !== undefined) this.remoteEffects.push(r);
    else if (this.pending !== undefined && this.inScope(this.pending, r)) this.pending.buffer.push(r);
    else {
      this.flush();
      this.record(this.spontaneous(r));
    }
  }

  /** The remote party is about to act (its indications follow until `remoteEnd`). */
  remoteBegin(a: RemoteAction): void {
    this.flush();
    this.remote = a;
    this.remoteEffects = [];
  }

  /** The remote party's action is over, with the control's reply. */
  remoteEnd(reply: RemoteReply): void {
    const a = this.remote;
    this.remote = undefined;
    if (a === undefined) return;
    const v = remoteVerdict(this.state, this.config, a, this.now(), this.epoch);
    const got = refusalOf(reply);
    const what = a.action === 'offer' ? `the offer on line ${a.line} (${nameOf('LINEMEDIAMODE', a.mediaMode)})` : `the remote ${a.action} of hdCall ${hex(a.hdCall)}`;
    if (got !== v.refusal) {
      this.record({
        message: `${what} was ${got === undefined ? 'done' : `refused (${got})`}; the contract says ${v.refusal === undefined ? 'it is done' : `it is refused (${v.refusal})`}`,
        witness: a.action === 'offer' ? { kind: 'offer', refused: v.refusal !== undefined } : undefined,
      });
      return;
    }
    this.record(matchScripts(this.remoteEffects, v.scripts, (x) => this.occurrence(x), what) ?? v.after?.(reply));
  }

  /** A clock advance is over: timers due by now have fired. */
  advanced(): void {
    this.epoch++;
  }

  /**
   * The end of an engine action: indications a pended request did not claim were the timers';
   * offers due to time out and outgoing calls due to show their first state must have done so.
   */
  checkpoint(): void {
    this.flush();
    const now = this.now();
    for (const call of this.state.calls.values()) {
      if (call.deferred && this.epoch > call.deferredEpoch) {
        call.deferred = false;
        this.record({ message: `the outgoing call htCall ${hex(call.htCall)} never indicated its first state ${nameOf('LINECALLSTATE', call.state)} after MAKE_CALL completed`, witness: { kind: 'event', event: 'callState', htCall: call.htCall, state: call.state } });
      }
      if (call.state === LINECALLSTATE_OFFERING && call.timeoutAt !== undefined && now >= call.timeoutAt && this.epoch > call.offerEpoch) {
        call.timeoutAt = undefined;
        this.record({ message: `the offer of htCall ${hex(call.htCall)} was not answered within ${this.config.offerTimeoutMs} ms but never went IDLE`, witness: { kind: 'event', event: 'callState', htCall: call.htCall, state: LINECALLSTATE_IDLE } });
      }
    }
  }

  /** The end of a run: everything pended must have completed. */
  finish(): void {
    this.checkpoint();
    const p = this.pending;
    if (p !== undefined) this.record({ message: `${nameOf('OID', p.r.oid)} request ${p.r.requestId} was pended and never completed`, witness: undefined });
  }

  private record(f: Fault | undefined): void {
    if (f === undefined) return;
    this.mismatches.push({ message: f.message, seq: this.seq, time: this.now(), witness: f.witness });
  }

  /** Earlier indications like `r` (same kind, call and state), `r` included. */
  private occurrence(r: IndicationRecord): number {
    let n = 0;
    for (const x of this.history) {
      if (x.kind === r.kind && x.htCall === r.htCall && (r.kind !== 'callState' || x.p1 === r.p1)) n++;
      if (x === r) break;
    }
    return n;
  }

  /**
   * Whether an indication may be a pended request's work: it concerns the request's call (the
   * calls on its line, for CLOSE; anything, for PROVIDER_SHUTDOWN), as the model holds them now.
   */
  private inScope(p: Pended, r: IndicationRecord): boolean {
    const call = r.kind === 'lineDown' ? this.state.byLink.get(r.back) : r.kind === 'newCall' || r.kind === 'lineDevState' ? undefined : this.state.calls.get(r.htCall);
    const q = p.r;
    switch (q.oid) {
      case OID_TAPI_PROVIDER_SHUTDOWN:
        return true;
      case OID_TAPI_MAKE_CALL:
        return r.htCall !== 0 && r.htCall === q.fields['htCall'];
      case OID_TAPI_CLOSE: {
        const line = this.state.lineByHd(q.fields['hdLine'] ?? 0);
        return call !== undefined && line !== undefined && call.line === line.index;
      }
      default:
        return call !== undefined && call.hdCall === q.fields['hdCall'];
    }
  }

  /** Indications held for a pended request that cannot be its work any more: the timers'. */
  private flush(): void {
    const p = this.pending;
    if (p === undefined || p.buffer.length === 0) return;
    const held = p.buffer;
    p.buffer = [];
    for (const r of held) this.record(this.spontaneous(r));
  }

  /** An indication no request or remote action caused: a timer's, or a fault. */
  private spontaneous(r: IndicationRecord): Fault | undefined {
    if (r.kind === 'callState') {
      const call = this.state.calls.get(r.htCall);
      if (call !== undefined) {
        if (r.p1 === LINECALLSTATE_IDLE && call.state === LINECALLSTATE_OFFERING && call.timeoutAt !== undefined && r.time >= call.timeoutAt) {
          call.state = LINECALLSTATE_IDLE;
          call.timeoutAt = undefined;
          return undefined;
        }
        if (call.deferred && r.p1 === call.state) {
          call.deferred = false;
          return undefined;
        }
      }
    }
    return {
      message: `${describeIndication(r)}: no request, remote action or timer explains it${r.kind === 'callState' && this.state.calls.get(r.htCall)?.state === LINECALLSTATE_IDLE ? ' (the call is IDLE: nothing more may be indicated for it)' : ''}`,
      witness: { kind: 'noEvent', event: r.kind, htCall: r.htCall, ...(r.kind === 'callState' ? { state: r.p1 } : {}), occurrence: this.occurrence(r) },
    };
  }

  /** A request's final status and the indications that came with it, against the contract's verdict. */
  private judge(r: SentRequest, st: number, needed: number, out: Uint8Array, effects: readonly IndicationRecord[]): Fault | undefined {
    const what = `${nameOf('OID', r.oid)} request ${r.requestId}`;
    const v = verdictOn(this, r);
    if (v === undefined) {
      return effects.length === 0 ? undefined : { message: `${what}: ${describeIndication(effects[0]!)} was not expected`, witness: undefined };
    }
    if (st !== v.status) {
      return { message: `${what} got ${status(st)}; the contract says ${status(v.status)}: ${v.why}`, witness: { kind: 'completion', requestId: r.requestId, status: v.status } };
    }
    if (st === NDIS_STATUS_INVALID_LENGTH && needed !== r.size) {
      return { message: `${what} got ${status(st)} with BytesNeeded ${needed}; the structure needs ${r.size}`, witness: { kind: 'completion', requestId: r.requestId, status: st, bytesNeeded: r.size } };
    }
    const f = matchScripts(effects, v.scripts, (x) => this.occurrence(x), what);
    if (f !== undefined) return f;
    return st === NDIS_STATUS_SUCCESS ? v.after?.(out) : undefined;
  }

  /**
   * A pended request: its work is a tail of the indications held for it (just before the
   * completion); what came before were timers. The first split that fits is taken.
   */
  private judgeSplit(p: Pended, st: number, needed: number, out: Uint8Array): Fault | undefined {
    const held = p.buffer;
    if (held.length === 0) return this.judge(p.r, st, needed, out, held);
    let first: Fault | undefined;
    for (let k = 0; k <= held.length; k++) {
      const snap = this.state.snapshot();
      let f: Fault | undefined;
      for (let i = 0; i < k && f === undefined; i++) f = this.spontaneous(held[i]!);
      f ??= this.judge(p.r, st, needed, out, held.slice(k));
      if (f === undefined) return undefined;
      first ??= f;
      this.state.restore(snap);
    }
    return first;
  }
}
