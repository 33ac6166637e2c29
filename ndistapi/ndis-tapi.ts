import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  LINE_ADDRESSSTATE,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_CLOSE,
  LINE_LINEDEVSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  type RequestKind,
} from '../oid/index.js';
import type { ByteCounts, Completion, Miniport } from '../miniport/miniport.js';
import { StructAccess, ViewCache, type Member } from '../miniport/struct-access.js';
import { TapiEventFields } from '../miniport/tapi-event-fields.js';
import { HandleTable, type TrackedCall, type TrackedLine } from './handle-table.js';
import type { Clock } from '../sim/clock.js';
import type { Exchange } from './exchange.js';
import type { ExchangeSink, ExchangeSource, TapiEventRead } from './exchange-sink.js';
import type { LineEvent } from './line-event.js';

/** The final answer to a request: its status and counts, and the buffer with the OUT members. */
export interface RequestResult extends Completion {
  readonly buffer: Uint8Array;
}

export type RequestCallback = (result: RequestResult) => void;

/** A line NDISTAPI opened. */
export type ShimLine = TrackedLine;

/** A call NDISTAPI knows: from LINE_NEWCALL or from its own MAKE_CALL. */
export type ShimCall = TrackedCall;

interface Queued {
  readonly requestId: number;
  readonly kind: RequestKind;
  readonly oid: number;
  readonly buffer: Uint8Array;
  readonly done: RequestCallback | undefined;
}

const HTLINE_BASE = 0x7e00_0000;
const HTCALL_BASE = 0x7f00_0000;
const LINK_CONTEXT_BASE = 0x6e00_0000;

/**
 * The NDISTAPI (and NDISWAN) shim above a Miniport: numbers requests and hands them down one at
 * a time, as NDIS does (ndis-tapi.md §9); matches completions; takes status indications,
 * allocating htCall for LINE_NEWCALL and writing it into ulParam2 before the indication returns,
 * and writing NdisLinkContext into each first line-up; keeps hdLine↔htLine and hdCall↔htCall;
 * passes typed line events up. Every exchange is also emitted, in order, on `exchanges$`
 * (indications before any write-back) for the verifier and the recorder.
 */
export class NdisTapi implements ExchangeSource {
  readonly events$: Observable<LineEvent>;
  readonly exchanges$: Observable<Exchange>;
  private readonly events = new Subject<LineEvent>();
  private readonly exchanges = new Subject<Exchange>();
  private readonly subscriptions: Subscription[] = [];
  private detachMiniport: (() => void) | undefined;
  private readonly queue: Queued[] = [];
  private outstanding: Queued | undefined;
  private readonly counts: ByteCounts = { bytesUsed: 0, bytesNeeded: 0 };
  private nextRequestId = 1;
  private nextHtCall = HTCALL_BASE;
  private nextLinkContext = LINK_CONTEXT_BASE;
  private seq = 0;
  private readonly ev: TapiEventFields;
  private readonly table = new HandleTable();
  private sinks: ExchangeSink[] = [];
  private readonly up: StructAccess;
  private readonly down: StructAccess;
  private readonly open: StructAccess;
  private readonly makeCallAccess: StructAccess;
  private readonly upWrapper: Member;
  private readonly upContext: Member;
  private readonly upSpeed: Member;
  private readonly downContext: Member;
  private readonly closeCallHd: Member;
  private readonly closeHd: Member;
  private readonly views = new ViewCache();

  /** Open lines by htLine. */
  readonly lines = this.table.lines;
  /** Known calls by htCall. */
  readonly calls = this.table.calls;
  /** htCall by the miniport's hdCall. */
  readonly callsByHd = this.table.callsByHd;
  /** htCall by NdisLinkContext, for links up. */
  readonly links = this.table.links;
  /** Whether PROVIDER_INITIALIZE succeeded and no PROVIDER_SHUTDOWN followed. */
  initialized = false;

  constructor(
    readonly miniport: Miniport,
    private readonly clock?: Clock,
  ) {
    const { abi, variant } = miniport;
    this.ev = new TapiEventFields(abi, variant);
    this.up = new StructAccess('NDIS_MAC_LINE_UP', abi, variant);
    this.down = new StructAccess('NDIS_MAC_LINE_DOWN', abi, variant);
    this.open = new StructAccess('NDIS_TAPI_OPEN', abi, variant);
    this.makeCallAccess = new StructAccess('NDIS_TAPI_MAKE_CALL', abi, variant);
    this.upWrapper = this.up.member('ConnectionWrapperID');
    this.upContext = this.up.member('NdisLinkContext');
    this.upSpeed = this.up.member('LinkSpeed');
    this.downContext = this.down.member('NdisLinkContext');
    this.closeCallHd = new StructAccess('NDIS_TAPI_CLOSE_CALL', abi, variant).member('hdCall');
    this.closeHd = new StructAccess('NDIS_TAPI_CLOSE', abi, variant).member('hdLine');
    this.events$ = this.events.asObservable();
    this.exchanges$ = this.exchanges.asObservable();
    if (miniport.attach !== undefined) {
      // The direct path: no Observable machinery per indication.
      this.detachMiniport = miniport.attach({ indicate: (status, buffer) => this.onIndication(status, buffer), complete: (c) => this.onCompletion(c) });
    } else {
      this.subscriptions.push(
        miniport.indications$.subscribe((i) => this.onIndication(i.status, i.buffer)),
        miniport.completions$.subscribe((c) => this.onCompletion(c)),
      );
    }
  }

  /** Attaches a sink that sees every exchange from now on, synchronously; returns the detach. */
  attach(sink: ExchangeSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  private emitRequest(q: Queued): void {
    const seq = this.seq++;
    const time = this.now();
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.onRequest(seq, time, q.requestId, q.kind, q.oid, q.buffer);
    if (this.exchanges.observed) this.exchanges.next({ type: 'request', seq, time, requestId: q.requestId, kind: q.kind, oid: q.oid, buffer: q.buffer });
  }

  private emitOutcome(type: 'return' | 'completion', requestId: number, kind: RequestKind, oid: number, status: number, bytesUsed: number, bytesNeeded: number, buffer: Uint8Array): void {
    const seq = this.seq++;
    const time = this.now();
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.onOutcome(type, seq, time, requestId, kind, oid, status, bytesUsed, bytesNeeded, buffer);
    if (this.exchanges.observed) this.exchanges.next({ type, seq, time, requestId, kind, oid, status, bytesUsed, bytesNeeded, buffer });
  }

  private emitIndication(type: 'indication' | 'indicationReturn', status: number, buffer: Uint8Array, event?: TapiEventRead): void {
    const seq = this.seq++;
    const time = this.now();
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.onIndication(type, seq, time, status, buffer, event);
    if (this.exchanges.observed) this.exchanges.next({ type, seq, time, status, buffer });
  }

  /** Stops listening to the miniport. */
  dispose(): void {
    this.detachMiniport?.();
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** Requests queued behind the outstanding one. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether a request is with the miniport. */
  get busy(): boolean {
    return this.outstanding !== undefined;
  }

  /** A fresh htCall for a call NDISTAPI places (OID_TAPI_MAKE_CALL). */
  allocateHtCall(): number {
    return (this.nextHtCall += 0x10);
  }

  /** htLine NDISTAPI uses for a device id in OID_TAPI_OPEN. */
  htLineFor(deviceId: number): number {
    return HTLINE_BASE + deviceId * 0x10;
  }

  /**
   * Queues a request; NDIS hands the miniport one at a time. `done` gets the final result,
   * synchronously when the miniport answers at once and nothing was queued before it.
   * Returns the request id.
   */
  submit(kind: RequestKind, oid: number, buffer: Uint8Array, done?: RequestCallback): number {
    const q: Queued = { requestId: this.nextRequestId++, kind, oid, buffer, done };
    if (this.outstanding === undefined && this.queue.length === 0) {
      // Nothing ahead of it: straight to the miniport, no trip through the queue.
      this.send(q);
      if (this.outstanding === undefined && this.queue.length > 0) this.pump();
    } else {
      this.queue.push(q);
      if (this.outstanding === undefined) this.pump();
    }
    return q.requestId;
  }

  private now(): number {
    const c = this.clock;
    return c === undefined ? 0 : c.now();
  }

  private pump(): void {
    while (this.outstanding === undefined && this.queue.length > 0) this.send(this.queue.shift()!);
  }

  /** Hands one request to the miniport (nothing else outstanding) and finishes it if answered at once. */
  private send(q: Queued): void {
    this.outstanding = q;
    this.beforeRequest(q);
    const counts = this.counts;
    this.emitRequest(q);
    const status = this.miniport.request(q.requestId, q.kind, q.oid, q.buffer, counts);
    this.emitOutcome('return', q.requestId, q.kind, q.oid, status, counts.bytesUsed, counts.bytesNeeded, q.buffer);
    if (status !== NDIS_STATUS_PENDING) this.finish(q, status, counts.bytesUsed, counts.bytesNeeded);
  }

  private onCompletion(c: Completion): void {
    const q = this.outstanding;
    const buffer = q !== undefined && q.requestId === c.requestId ? q.buffer : new Uint8Array(0);
    this.emitOutcome('completion', c.requestId, c.kind, c.oid, c.status, c.bytesUsed, c.bytesNeeded, buffer);
    // A completion for no outstanding request (or a second one) is the verifier's to report.
    if (q === undefined || q.requestId !== c.requestId || c.status === NDIS_STATUS_PENDING) return;
    this.finish(q, c.status, c.bytesUsed, c.bytesNeeded);
    this.pump();
  }

  private finish(q: Queued, status: number, bytesUsed: number, bytesNeeded: number): void {
    this.outstanding = undefined;
    this.afterRequest(q, status);
    q.done?.({ requestId: q.requestId, kind: q.kind, oid: q.oid, status, bytesUsed, bytesNeeded, buffer: q.buffer });
  }

  /** Bookkeeping NDISTAPI does as it sends: MAKE_CALL's htCall is known from now on. */
  private beforeRequest(q: Queued): void {
    if (q.oid !== OID_TAPI_MAKE_CALL || q.buffer.length < this.makeCallAccess.size) return;
    const dv = this.views.of(q.buffer);
    const a = this.makeCallAccess;
    const htCall = a.get(dv, 0, 'htCall');
    const line = this.table.lineByHd(a.get(dv, 0, 'hdLine'));
    if (htCall !== 0 && !this.calls.has(htCall)) this.table.addCall(htCall, line?.htLine ?? 0, 0);
  }

  /** Bookkeeping on a request's final status. */
  private afterRequest(q: Queued, status: number): void {
    const ok = status === NDIS_STATUS_SUCCESS;
    switch (q.oid) {
      case OID_TAPI_PROVIDER_INITIALIZE:
        if (ok) this.initialized = true;
        return;
      case OID_TAPI_PROVIDER_SHUTDOWN:
        if (ok) this.forgetAll();
        return;
      case OID_TAPI_OPEN: {
        if (!ok || q.buffer.length < this.open.size) return;
        const dv = this.views.of(q.buffer);
        const htLine = this.open.get(dv, 0, 'htLine');
        this.table.addLine({ deviceId: this.open.get(dv, 0, 'ulDeviceID'), htLine, hdLine: this.open.get(dv, 0, 'hdLine'), detecting: 0 });
        return;
      }
      case OID_TAPI_CLOSE: {
        if (!ok) return;
        const line = this.table.lineByHd(this.handle(q, this.closeHd));
        if (line !== undefined) this.table.forgetLine(line);
        return;
      }
      case OID_TAPI_CLOSE_CALL: {
        if (!ok) return;
        const call = this.table.callByHd(this.handle(q, this.closeCallHd));
        if (call !== undefined) this.table.forgetCall(call);
        return;
      }
      case OID_TAPI_MAKE_CALL: {
        if (q.buffer.length < this.makeCallAccess.size) return;
        const dv = this.views.of(q.buffer);
        const call = this.calls.get(this.makeCallAccess.get(dv, 0, 'htCall'));
        if (call === undefined) return;
        if (ok) {
          this.table.setHdCall(call, this.makeCallAccess.get(dv, 0, 'hdCall'));
        } else if (call.hdCall === 0) {
          this.calls.delete(call.htCall);
        }
        return;
      }
    }
  }

  /** A handle member of a request's buffer; 0 when the buffer is too short for the structure. */
  private handle(q: Queued, m: Member): number {
    return q.buffer.length < m.structSize ? 0 : m.get(this.views.of(q.buffer));
  }

  private forgetAll(): void {
    this.initialized = false;
    this.table.clear();
  }

  private onIndication(status: number, buffer: Uint8Array): void {
    if (status === NDIS_STATUS_TAPI_INDICATION) {
      // Read once, before anyone writes to the buffer: the sinks check the same reading.
      const e = this.ev;
      const dv = this.views.of(buffer);
      if (e.read(dv)) {
        const { htLine, htCall, msg, p1, p2, p3 } = e;
        this.emitIndication('indication', status, buffer, e);
        this.onTapiEvent(dv, htLine, htCall, msg, p1, p2, p3);
      } else {
        this.emitIndication('indication', status, buffer);
      }
      this.emitIndication('indicationReturn', status, buffer);
      return;
    }
    this.emitIndication('indication', status, buffer);
    switch (status) {
      case NDIS_STATUS_WAN_LINE_UP:
        this.onLineUp(buffer);
        break;
      case NDIS_STATUS_WAN_LINE_DOWN:
        this.onLineDown(buffer);
        break;
    }
    this.emitIndication('indicationReturn', status, buffer);
  }

  private onTapiEvent(dv: DataView, htLine: number, htCall: number, msg: number, p1: number, p2: number, p3: number): void {
    const e = this.ev;
    switch (msg) {
      case LINE_NEWCALL: {
        // §5: NDISTAPI's htCall goes into ulParam2 of this very buffer before the indication returns.
        if (!this.lines.has(htLine) || this.callsByHd.has(p1)) {
          e.setParam2(dv, 0);
          return;
        }
        const newHt = this.allocateHtCall();
        e.setParam2(dv, newHt);
        this.table.addCall(newHt, htLine, p1);
        if (this.events.observed) this.events.next({ type: 'newCall', htLine, htCall: newHt, hdCall: p1 });
        return;
      }
      case LINE_CALLSTATE: {
        const call = this.calls.get(htCall);
        if (call === undefined) return;
        call.state = p1;
        if (this.events.observed) this.events.next({ type: 'callState', htLine, htCall, state: p1, mode: p2, mediaMode: p3 });
        return;
      }
      case LINE_CALLINFO:
        if (!this.calls.has(htCall)) return;
        if (this.events.observed) this.events.next({ type: 'callInfo', htLine, htCall, changed: p1 });
        return;
      case LINE_LINEDEVSTATE:
        if (this.events.observed) this.events.next({ type: 'lineDevState', htLine, state: p1, param2: p2, param3: p3 });
        return;
      case LINE_ADDRESSSTATE:
        if (this.events.observed) this.events.next({ type: 'addressState', htLine, addressId: p1, state: p2 });
        return;
      case LINE_CLOSE:
        if (this.events.observed) this.events.next({ type: 'lineClose', htLine });
        return;
      default:
        if (this.events.observed) this.events.next({ type: 'other', htLine, htCall, msg, param1: p1, param2: p2, param3: p3 });
    }
  }

  private onLineUp(buffer: Uint8Array): void {
    if (buffer.length < this.up.size) return;
    const dv = this.views.of(buffer);
    const htCall = this.upWrapper.get(dv);
    const call = this.calls.get(htCall);
    let context = this.upContext.get(dv);
    if (context === 0) {
      // §8: NDISWAN's context for the new link, written back before the indication returns.
      context = this.nextLinkContext += 0x10;
      this.upContext.set(dv, context);
    }
    if (call !== undefined) this.table.linkUp(call, context);
    if (this.events.observed) this.events.next({ type: 'lineUp', htCall, linkContext: context, linkSpeed: this.upSpeed.get(dv) });
  }

  private onLineDown(buffer: Uint8Array): void {
    if (buffer.length < this.down.size) return;
    const context = this.downContext.get(this.views.of(buffer));
    const htCall = this.links.get(context) ?? 0;
    this.links.delete(context);
    const call = this.calls.get(htCall);
    if (call !== undefined) call.linkContext = 0;
    if (this.events.observed) this.events.next({ type: 'lineDown', htCall, linkContext: context });
  }
}
