import {
  LINEMEDIAMODE_DIGITALDATA,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DIAL,
  OID_TAPI_DROP,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_WAN_GET_INFO,
  codecFor,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  asciiz,
  kindOfOid,
} from '../../oid/index.js';
import type { RemoteAction } from '../../miniport/remote-party.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { VirtualClock } from '../virtual-clock.js';
import { ContractModel } from './contract-model.js';
import type { CallOp, CallTarget, ExploreAction, ExplorePolicy } from './explore-action.js';
import type { ExploreFailure, FailureKind } from './explore-failure.js';
import type { ExploreStack, TargetFactory } from './explore-target.js';
import type { RemoteReply } from './remote-contract.js';
import { requestBuffer, shortLength } from './request-builder.js';
import type { TranscriptStep } from './transcript.js';

/** What one run of a sequence gave. */
export interface SequenceOutcome {
  readonly failure: ExploreFailure | undefined;
  /** The steps as a scenario would take them (when asked for). */
  readonly transcript: readonly TranscriptStep[];
  /** The names a scenario captures calls' htCalls as. */
  readonly names: ReadonlyMap<number, string>;
}

export interface SequenceOptions {
  /** Keep the transcript (for writing a scenario). */
  readonly transcript?: boolean;
  /** Record the run as a pcapng trace. */
  readonly tracePath?: string;
}

/** A handle never issued: requests on it must get NDIS_STATUS_TAPI_INVALCALLHANDLE. */
export const BOGUS_HDCALL = 0xbad0;
const DIAL_DIGITS = '5551234';
const APP_SPECIFIC = 7;

const CALL_OIDS: Readonly<Record<CallOp, number>> = {
  accept: OID_TAPI_ACCEPT,
  answer: OID_TAPI_ANSWER,
  drop: OID_TAPI_DROP,
  closeCall: OID_TAPI_CLOSE_CALL,
  getCallStatus: OID_TAPI_GET_CALL_STATUS,
  setAppSpecific: OID_TAPI_SET_APP_SPECIFIC,
  dial: OID_TAPI_DIAL,
};

class Stop extends Error {}

/**
 * One run: a fresh target under NdisTapi, the verifier and the reference model on a virtual
 * clock; bring-up (the `bringUp` scenario step's requests), the actions one by one, then the
 * teardown: held requests completed, timers run out, every call closed, every handle ever
 * issued probed (a closed call must be gone), lines closed, the provider shut down, and the
 * tables of the shim, the verifier, the model and the simulated miniport checked empty.
 * Stops at the first failure: a verifier violation, a model mismatch, an exception, a leak.
 */
class SequenceRun {
  readonly clock = new VirtualClock();
  readonly stack: ExploreStack;
  readonly shim: NdisTapi;
  readonly client: NdisTapiClient;
  readonly verifier: Verifier;
  readonly model: ContractModel;
  readonly transcript: TranscriptStep[] = [];
  private readonly recorder: TraceRecorder | undefined;
  readonly names = new Map<number, string>();
  private action = -1;
  private phase: 'run' | 'probe' | 'end' = 'run';
  failure: ExploreFailure | undefined;

  constructor(
    factory: TargetFactory,
    private readonly keep: boolean,
    tracePath: string | undefined,
  ) {
    this.stack = factory(this.clock);
    const m = this.stack.miniport;
    this.shim = new NdisTapi(m, this.clock);
    this.client = new NdisTapiClient(this.shim);
    this.verifier = new Verifier(this.shim, m.abi, m.variant);
    this.model = new ContractModel(this.shim, m.config, this.clock);
    this.recorder = tracePath === undefined ? undefined : TraceRecorder.attach(this.shim, tracePath, m.abi, m.variant, this.clock, m.remote, m.config);
  }

  run(actions: readonly ExploreAction[]): void {
    try {
      this.step(-1, () => this.bringUp());
      for (let i = 0; i < actions.length; i++) this.step(i, () => this.act(actions[i]!));
      this.teardown(actions.length);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    } finally {
      this.recorder?.close();
      try {
        this.stack.miniport.dispose();
      } catch {
        // A target that cannot even be released has failed already.
      }
    }
  }

  private note(s: TranscriptStep): void {
    if (this.keep) this.transcript.push(s);
  }

  private fail(kind: FailureKind, message: string, extra: Partial<ExploreFailure> = {}): never {
    this.failure ??= { kind, message, action: this.action, ...extra };
    throw new Stop();
  }

  /** Runs one action and checks what it did. */
  private step(index: number, fn: () => void): void {
    this.action = index;
    try {
      fn();
      this.stack.poll?.();
      this.model.checkpoint();
    } catch (e) {
      if (e instanceof Stop) throw e;
      this.fail('crash', `an exception escaped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    this.check();
  }

  private check(): void {
    const v = this.verifier.violations[0];
    if (v !== undefined) this.fail('violation', `verifier: ${v.rule} at exchange ${v.seq}: ${v.detail}`, { rule: v.rule });
    const m = this.model.mismatches[0];
    if (m !== undefined) this.fail(this.phase === 'probe' ? 'leak' : 'mismatch', `model: ${m.message} (exchange ${m.seq})`, m.witness === undefined ? {} : { witness: m.witness });
  }

  /**
   * The `bringUp` scenario step's requests, built as NdisTapiClient builds them (submitted
   * directly: a run never waits on a promise, so nothing piles up in the microtask queue).
   */
  private bringUp(): void {
    const { abi, variant } = this.stack.miniport;
    const htLine = this.shim.htLineFor(0);
    this.submit(OID_WAN_GET_INFO, new Uint8Array(codecFor('NDIS_WAN_INFO', abi, variant).size));
    this.submit(OID_TAPI_PROVIDER_INITIALIZE, requestBuffer(abi, variant, OID_TAPI_PROVIDER_INITIALIZE, { ulDeviceIDBase: 0 }));
    this.submit(OID_TAPI_OPEN, requestBuffer(abi, variant, OID_TAPI_OPEN, { ulDeviceID: 0, htLine }));
    this.submit(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, requestBuffer(abi, variant, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, { hdLine: this.client.hdLine(htLine), ulMediaModes: LINEMEDIAMODE_DIGITALDATA }));
    this.note({ step: 'bringUp', device: 0, mediaModes: LINEMEDIAMODE_DIGITALDATA, action: -1 });
  }

  private act(a: ExploreAction): void {
    const action = this.action;
    switch (a.do) {
      case 'offer': {
        const act: RemoteAction = { action: 'offer', line: a.line, address: 0, mediaMode: a.mediaMode, callerId: a.callerId, calledId: '' };
        this.model.remoteBegin(act);
        const r = this.stack.miniport.remote.offer({ line: a.line, mediaMode: a.mediaMode, callerId: a.callerId });
        this.model.remoteEnd(r);
        const as = r.ok ? this.name(r.htCall) : undefined;
        this.note({ step: 'offer', line: a.line, mediaMode: a.mediaMode, callerId: a.callerId, as, refused: !r.ok, action });
        return;
      }
      case 'remote': {
        const known = [...this.shim.calls.keys()];
        if (known.length === 0) return;
        const htCall = known[a.pick % known.length]!;
        const call = this.names.get(htCall);
        // A call no offer or MAKE_CALL captured cannot be named in a scenario's remote step.
        if (call === undefined) return;
        const hdCall = this.client.hdCall(htCall);
        const remote = this.stack.miniport.remote;
        this.model.remoteBegin({ action: a.op, hdCall });
        const reply: RemoteReply = remote[a.op](hdCall);
        this.model.remoteEnd(reply);
        this.note({ step: 'remote', op: a.op, call, refused: reply !== undefined, action });
        return;
      }
      case 'call':
        return this.callRequest(a.op, a.target, a.policy, a.short);
      case 'line':
        return this.lineRequest(a.op, a.line, a.mediaModes, a.policy, a.short);
      case 'makeCall': {
        // As a scenario's makeCall step does, which waits for the result: only with nothing ahead of it.
        if (this.shim.busy || this.shim.queued > 0) return;
        // The request NdisTapiClient.makeCall builds: a fresh htCall, the line's default call parameters.
        const htCall = this.shim.allocateHtCall();
        const { abi, variant } = this.stack.miniport;
        const value = { hdLine: this.client.hdLine(this.shim.htLineFor(a.line)), htCall, bUseDefaultLineCallParams: 1, ...(a.dest === '' ? {} : { DestAddress: asciiz(a.dest) }) };
        const requestId = this.submit(OID_TAPI_MAKE_CALL, requestBuffer(abi, variant, OID_TAPI_MAKE_CALL, value));
        this.note({ step: 'makeCall', line: a.line, to: a.dest, as: this.name(htCall), requestId, action });
        return;
      }
      case 'complete':
        if (this.stack.miniport.outstanding.length === 0) return;
        this.stack.miniport.complete();
        this.note({ step: 'complete', action });
        return;
      case 'advance':
        this.clock.advance(a.ms);
        this.model.advanced();
        this.note({ step: 'wait', ms: a.ms, action });
        return;
    }
  }

  /** The name a scenario captures a call's htCall as. */
  private name(htCall: number): string {
    let n = this.names.get(htCall);
    if (n === undefined) {
      n = `c${this.names.size + 1}`;
      this.names.set(htCall, n);
    }
    return n;
  }

  private submit(oid: number, buffer: Uint8Array): number {
    return this.shim.submit(kindOfOid(oid) ?? 'set', oid, buffer);
  }

  private policy(oid: number, p: ExplorePolicy): void {
    if (p.mode === 'sync') return;
    const policy = p.mode === 'pend' ? ({ mode: 'pend', delayMs: p.delayMs } as const) : ({ mode: 'hold' } as const);
    this.stack.miniport.policies.setForNext(policy, oid);
    this.note({ step: 'policy', oid, mode: p.mode, delayMs: p.mode === 'pend' ? p.delayMs : 0, action: this.action });
  }

  /** The hdCall a request names and how a scenario names it. */
  private resolve(t: CallTarget): { readonly hdCall: number; readonly call?: string } {
    if (t.kind === 'live') {
      const known = [...this.shim.calls.keys()];
      if (known.length > 0) {
        const htCall = known[t.pick % known.length]!;
        const call = this.names.get(htCall);
        return call === undefined ? { hdCall: this.client.hdCall(htCall) } : { hdCall: this.client.hdCall(htCall), call };
      }
    } else if (t.kind === 'stale') {
      const stale = [...this.model.state.seenHd].filter((hd) => !this.shim.callsByHd.has(hd));
      if (stale.length > 0) return { hdCall: stale[t.pick % stale.length]! };
    }
    return { hdCall: BOGUS_HDCALL };
  }

  private callRequest(op: CallOp, t: CallTarget, p: ExplorePolicy, short: boolean): void {
    const oid = CALL_OIDS[op];
    const { hdCall, call } = this.resolve(t);
    const fields: Record<string, number | string> = call === undefined ? { hdCall } : {};
    const value: Record<string, unknown> = { hdCall };
    if (op === 'setAppSpecific') fields['ulAppSpecific'] = value['ulAppSpecific'] = APP_SPECIFIC;
    if (op === 'dial') {
      fields['szDestAddress'] = DIAL_DIGITS;
      value['szDestAddress'] = asciiz(DIAL_DIGITS);
    }
    this.send(oid, value, fields, p, short, call === undefined ? {} : { call });
  }

  private lineRequest(op: 'open' | 'close' | 'detect', line: number, modes: number, p: ExplorePolicy, short: boolean): void {
    const htLine = this.shim.htLineFor(line);
    if (op === 'open') return this.send(OID_TAPI_OPEN, { ulDeviceID: line, htLine }, {}, p, short, { line });
    const hdLine = this.client.hdLine(htLine);
    if (op === 'close') return this.send(OID_TAPI_CLOSE, { hdLine }, {}, p, short, { line });
    return this.send(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, { hdLine, ulMediaModes: modes }, { ulMediaModes: modes }, p, short, { line });
  }

  private send(oid: number, value: Record<string, unknown>, fields: Record<string, number | string>, p: ExplorePolicy, short: boolean, refs: { readonly call?: string; readonly line?: number }): void {
    const { abi, variant } = this.stack.miniport;
    const length = short ? shortLength(abi, variant, oid) : undefined;
    if (!short) this.policy(oid, p);
    const buffer = requestBuffer(abi, variant, oid, value, length);
    const requestId = this.submit(oid, buffer);
    this.note({ step: 'request', oid, requestId, ...refs, fields, ...(length === undefined ? {} : { length }), action: this.action });
  }

  private teardown(at: number): void {
    const m = this.stack.miniport;
    let n = at;
    // Held and pended requests complete (completing one may send the next queued one).
    for (let i = 0; i < 64 && m.outstanding.length > 0; i++) this.step(n++, () => this.act({ do: 'complete' }));
    this.step(n++, () => this.act({ do: 'advance', ms: 120_000 }));
    for (const htCall of [...this.shim.calls.keys()]) {
      const hdCall = this.client.hdCall(htCall);
      const call = this.names.get(htCall);
      this.step(n++, () => this.send(OID_TAPI_CLOSE_CALL, { hdCall }, call === undefined ? { hdCall } : {}, { mode: 'sync' }, false, call === undefined ? {} : { call }));
    }
    // Every handle ever issued and not held by a live call must be gone from the miniport too.
    this.phase = 'probe';
    const live = new Set(this.model.state.byHd.keys());
    for (const hdCall of [...this.model.state.seenHd].sort((x, y) => x - y)) {
      if (live.has(hdCall)) continue;
      this.step(n++, () => this.send(OID_TAPI_GET_CALL_STATUS, { hdCall }, { hdCall }, { mode: 'sync' }, false, {}));
    }
    this.phase = 'end';
    for (let line = 0; line < m.config.lines; line++) {
      const htLine = this.shim.htLineFor(line);
      if (!this.shim.lines.has(htLine)) continue;
      this.step(n++, () => this.send(OID_TAPI_CLOSE, { hdLine: this.client.hdLine(htLine) }, {}, { mode: 'sync' }, false, { line }));
    }
    this.step(n++, () => this.send(OID_TAPI_PROVIDER_SHUTDOWN, {}, {}, { mode: 'sync' }, false, {}));
    this.step(n++, () => {
      this.act({ do: 'advance', ms: 120_000 });
      this.model.finish();
    });
    this.action = n;
    this.leaks();
  }

  private leaks(): void {
    const left: string[] = [];
    const s = this.shim;
    if (s.calls.size > 0) left.push(`NDISTAPI still knows ${s.calls.size} call(s)`);
    if (s.callsByHd.size > 0) left.push(`NDISTAPI still maps ${s.callsByHd.size} hdCall(s)`);
    if (s.links.size > 0) left.push(`NDISWAN still has ${s.links.size} link(s) up`);
    if (s.lines.size > 0) left.push(`NDISTAPI still has ${s.lines.size} line(s) open`);
    if (s.busy || s.queued > 0) left.push('a request is still with the miniport or queued');
    if (this.verifier.liveCalls > 0) left.push(`the verifier still tracks ${this.verifier.liveCalls} call(s)`);
    if (this.model.state.calls.size > 0) left.push(`the model still holds ${this.model.state.calls.size} call(s)`);
    if (this.stack.miniport.outstanding.length > 0) left.push(`the miniport still holds pended request(s) ${this.stack.miniport.outstanding.join(', ')}`);
    const sim = this.stack.sim;
    if (sim !== undefined) {
      if (sim.callCount > 0) left.push(`the simulated miniport still holds ${sim.callCount} call(s): ${sim.calls.map((c) => `hdCall 0x${c.hdCall.toString(16)}`).join(', ')}`);
      if (this.clock.pending > 0) left.push(`${this.clock.pending} timer(s) still set`);
    }
    if (left.length > 0) this.fail('leak', `after closing everything: ${left.join('; ')}`);
  }
}

/** Runs one sequence of actions against a fresh target; never throws for the target's faults. */
export function runSequence(actions: readonly ExploreAction[], factory: TargetFactory, options: SequenceOptions = {}): SequenceOutcome {
  const r = new SequenceRun(factory, options.transcript === true, options.tracePath);
  r.run(actions);
  return { failure: r.failure, transcript: r.transcript, names: r.names };
}

