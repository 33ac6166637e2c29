import { HandleMap } from '../miniport/handle-map.js';

/** A line as NDISTAPI (or the verifier's model of it) tracks it. */
export interface TrackedLine {
  readonly htLine: number;
  readonly deviceId: number;
  hdLine: number;
  /** LINEMEDIAMODE_* bits of the last successful SET_DEFAULT_MEDIA_DETECTION. */
  detecting: number;
}

/** A call as NDISTAPI (or the verifier's model of it) tracks it. */
export interface TrackedCall {
  readonly htCall: number;
  readonly htLine: number;
  /** The miniport's handle; 0 while MAKE_CALL has not completed. */
  hdCall: number;
  /** Last LINECALLSTATE_* indicated; 0 before the first. */
  state: number;
  /** NdisLinkContext of the call's data link while it is up; 0 otherwise. */
  linkContext: number;
}

/**
 * The handle bookkeeping above the seam: lines by htLine, calls by htCall and by the
 * miniport's hdCall, data links by NdisLinkContext. The shim keeps one as NDISTAPI does; the
 * verifier keeps its own, so a shim that loses track is caught too.
 */
export class HandleTable {
  readonly lines = new HandleMap<TrackedLine>();
  /** Lines by the miniport's hdLine (the first line opened with it, should two share one). */
  private readonly linesByHd = new HandleMap<TrackedLine>();
  readonly calls = new HandleMap<TrackedCall>();
  /** htCall by hdCall. */
  readonly callsByHd = new HandleMap<number>();
  /** htCall by NdisLinkContext. */
  readonly links = new HandleMap<number>();

  lineByHd(hdLine: number): TrackedLine | undefined {
    return this.linesByHd.get(hdLine);
  }

  addLine(line: TrackedLine): void {
    const old = this.lines.get(line.htLine);
    // Opened again without a close: the new line replaces the old in both maps; its calls stay.
    if (old !== undefined && this.linesByHd.get(old.hdLine) === old) this.linesByHd.delete(old.hdLine);
    this.lines.set(line.htLine, line);
    if (!this.linesByHd.has(line.hdLine)) this.linesByHd.set(line.hdLine, line);
  }

  callByHd(hdCall: number): TrackedCall | undefined {
    const ht = this.callsByHd.get(hdCall);
    return ht === undefined ? undefined : this.calls.get(ht);
  }

  addCall(htCall: number, htLine: number, hdCall: number): TrackedCall {
    const call: TrackedCall = { htCall, htLine, hdCall, state: 0, linkContext: 0 };
    this.calls.set(htCall, call);
    if (hdCall !== 0) this.callsByHd.set(hdCall, htCall);
    return call;
  }

  /** The miniport's hdCall for a call NDISTAPI placed, once MAKE_CALL succeeded. */
  setHdCall(call: TrackedCall, hdCall: number): void {
    call.hdCall = hdCall;
    this.callsByHd.set(hdCall, call.htCall);
  }

  linkUp(call: TrackedCall, linkContext: number): void {
    call.linkContext = linkContext;
    this.links.set(linkContext, call.htCall);
  }

  /** Takes a link down; returns the call it carried, if it is known. */
  linkDown(linkContext: number): TrackedCall | undefined {
    const ht = this.links.get(linkContext);
    this.links.delete(linkContext);
    const call = ht === undefined ? undefined : this.calls.get(ht);
    if (call !== undefined) call.linkContext = 0;
    return call;
  }

  forgetCall(call: TrackedCall): void {
    this.calls.delete(call.htCall);
    if (call.hdCall !== 0 && this.callsByHd.get(call.hdCall) === call.htCall) this.callsByHd.delete(call.hdCall);
    if (call.linkContext !== 0) this.links.delete(call.linkContext);
  }

  /** A line and every call on it. */
  forgetLine(line: TrackedLine): void {
    for (const call of [...this.calls.values()]) if (call.htLine === line.htLine) this.forgetCall(call);
    this.lines.delete(line.htLine);
    if (this.linesByHd.get(line.hdLine) === line) this.linesByHd.delete(line.hdLine);
  }

  clear(): void {
    this.lines.clear();
    this.linesByHd.clear();
    this.calls.clear();
    this.callsByHd.clear();
    this.links.clear();
  }
}
