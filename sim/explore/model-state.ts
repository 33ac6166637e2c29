import { LINECALLSTATE_IDLE } from '../../oid/index.js';

/** A line device as the reference model holds it. */
export interface ModelLine {
  readonly index: number;
  open: boolean;
  htLine: number;
  hdLine: number;
  /** LINEMEDIAMODE_* bits of the last successful SET_DEFAULT_MEDIA_DETECTION; 0: outbound only. */
  detecting: number;
}

/** A call as the reference model holds it: from its LINE_NEWCALL or MAKE_CALL until CLOSE_CALL. */
export interface ModelCall {
  readonly htCall: number;
  readonly hdCall: number;
  readonly line: number;
  readonly address: number;
  readonly inbound: boolean;
  readonly mediaMode: number;
  /** LINECALLSTATE_* the call is in. */
  state: number;
  /** An outgoing call's first state, not yet indicated: due at the next turn of the clock. */
  deferred: boolean;
  /** The clock epoch (advances ended) when `deferred` was set. */
  deferredEpoch: number;
  /** OFFERING: when the offer times out (clock ms); undefined once it cannot any more. */
  timeoutAt: number | undefined;
  offerEpoch: number;
  /** NdisLinkContext of the call's data link while it is up; 0 otherwise. */
  linkContext: number;
}

/**
 * The state of the reference model: lines, calls by htCall, hdCall and link, and every hdCall
 * ever handed out (for the leak probe). Cheap to copy: a run holds a handful of calls.
 */
export class ModelState {
  initialized = false;
  readonly lines: ModelLine[];
  calls = new Map<number, ModelCall>();
  byHd = new Map<number, ModelCall>();
  byLink = new Map<number, ModelCall>();
  readonly seenHd = new Set<number>();

  constructor(lines: number) {
    this.lines = Array.from({ length: lines }, (_, index) => ({ index, open: false, htLine: 0, hdLine: 0, detecting: 0 }));
  }

  lineByHd(hdLine: number): ModelLine | undefined {
    if (hdLine === 0) return undefined;
    return this.lines.find((l) => l.open && l.hdLine === hdLine);
  }

  lineByHt(htLine: number): ModelLine | undefined {
    return this.lines.find((l) => l.open && l.htLine === htLine);
  }

  /** Calls holding an address: every call on it not yet IDLE. */
  busy(line: number, address: number): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.line === line && c.address === address && c.state !== LINECALLSTATE_IDLE) n++;
    return n;
  }

  add(call: ModelCall): void {
    this.calls.set(call.htCall, call);
    this.byHd.set(call.hdCall, call);
    this.seenHd.add(call.hdCall);
  }

  remove(call: ModelCall): void {
    this.calls.delete(call.htCall);
    if (this.byHd.get(call.hdCall) === call) this.byHd.delete(call.hdCall);
    if (call.linkContext !== 0) this.byLink.delete(call.linkContext);
  }

  linkUp(call: ModelCall, context: number): void {
    call.linkContext = context;
    this.byLink.set(context, call);
  }

  linkDown(call: ModelCall): void {
    this.byLink.delete(call.linkContext);
    call.linkContext = 0;
  }

  clear(): void {
    this.calls.clear();
    this.byHd.clear();
    this.byLink.clear();
    for (const l of this.lines) Object.assign(l, { open: false, htLine: 0, hdLine: 0, detecting: 0 });
    this.initialized = false;
  }

  /** A copy to go back to when an interpretation of what came fails. */
  snapshot(): ModelState {
    const s = new ModelState(0);
    s.initialized = this.initialized;
    s.lines.push(...this.lines.map((l) => ({ ...l })));
    const copies = new Map<ModelCall, ModelCall>();
    for (const c of this.calls.values()) copies.set(c, { ...c });
    s.calls = new Map([...this.calls].map(([k, c]) => [k, copies.get(c)!]));
    s.byHd = new Map([...this.byHd].map(([k, c]) => [k, copies.get(c) ?? { ...c }]));
    s.byLink = new Map([...this.byLink].map(([k, c]) => [k, copies.get(c) ?? { ...c }]));
    for (const h of this.seenHd) s.seenHd.add(h);
    return s;
  }

  /** Goes back to a snapshot. */
  restore(s: ModelState): void {
    this.initialized = s.initialized;
    for (let i = 0; i < this.lines.length; i++) Object.assign(this.lines[i]!, s.lines[i]);
    this.calls = s.calls;
    this.byHd = s.byHd;
    this.byLink = s.byLink;
    this.seenHd.clear();
    for (const h of s.seenHd) this.seenHd.add(h);
  }
}
