import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  LINECALLSELECT_CALL,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINE_CALLDEVSPECIFIC,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DROP,
  OID_TAPI_GET_ID,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  nameOf,
  tapiOidInfo,
  type Abi,
  type LayoutVariant,
  type RequestKind,
  type StructName,
} from '../../oid/index.js';
import { StructAccesses, ViewCache, type StructAccess, readScalar, type Member } from '../../miniport/struct-access.js';
import { TapiEventFields } from '../../miniport/tapi-event-fields.js';
import { HandleTable, type TrackedCall } from '../handle-table.js';
import type { Exchange } from '../exchange.js';
import { feed, type ExchangeSink, type ExchangeSource, type TapiEventRead } from '../exchange-sink.js';
import { RULES_BY_ID, type RuleId } from './rules.js';
import type { ExchangeRecord, Violation } from './violation.js';

/** A request as the verifier saw it sent; the one in flight is reused, a pended one copied. */
const SCALAR_SIZES: ReadonlySet<number> = new Set([1, 2, 4, 8]);

class VRequest {
  requestId = 0;
  kind: RequestKind = 'query';
  oid = 0;
  buffer: Uint8Array = new Uint8Array(0);
  /** Handles read from the request as it was sent (IN members). */
  handle = 0;
  /** Whether this holds a request (the one in flight: sent, no final status yet). */
  live = false;

  copy(): VRequest {
    const r = new VRequest();
    r.requestId = this.requestId;
    r.kind = this.kind;
    r.oid = this.oid;
    r.buffer = this.buffer;
    r.handle = this.handle;
    r.live = this.live;
    return r;
  }
}

const state = (s: number): string => nameOf('LINECALLSTATE', s);
const oidName = (oid: number): string => nameOf('OID', oid);
const hex = (v: number): string => `0x${v.toString(16)}`;

/**
 * Checks every exchange across the Miniport seam against the documented contract, like Driver
 * Verifier does for LAN miniports: it keeps its own model of lines, calls, links and the
 * request in flight, and reports each breach on `violations$` as a record with the rule id,
 * the exchange and its sequence number. Every rule is strict until relaxed by id.
 */
export class Verifier implements ExchangeSink {
  readonly violations$: Observable<Violation>;
  /** Every violation so far, in order. */
  readonly violations: Violation[] = [];
  private readonly out = new Subject<Violation>();
  private readonly relaxed = new Set<RuleId>();
  private readonly detach: () => void;
  private readonly access: StructAccesses;
  private readonly views = new ViewCache();
  private readonly ev: TapiEventFields;
  /** The members read on every call's lifecycle, looked up once. */
  private readonly closeHd: Member;
  private readonly closeCallHd: Member;
  private readonly dropHd: Member;
  private readonly upWrapper: Member;
  private readonly upContext: Member;
  private readonly downContext: Member;

  private initialized = false;
  private readonly table = new HandleTable();
  /** The exchange being checked, for the violation record. */
  private xType: ExchangeRecord['type'] = 'request';
  private xSeq = 0;
  private xTime = 0;
  private xCode = 0;
  private xRequestId: number | undefined;
  private xKind: RequestKind | undefined;
  private xStatus: number | undefined;
  private xBuffer: Uint8Array = new Uint8Array(0);
  private readonly current = new VRequest();
  private pending: VRequest | undefined;
  /** The LINE_NEWCALL being indicated (its htLine and hdCall), until the indication returns. */
  private newCall = false;
  private newCallLine = 0;
  private newCallHd = 0;
  private lineUpCall: TrackedCall | undefined;

  /**
   * Checks the exchanges of `source`: an NdisTapi (or any source sinks attach to), seen
   * synchronously without allocation, or any stream of Exchange objects (a trace read back).
   */
  constructor(
    source: ExchangeSource | Observable<Exchange>,
    private readonly abi: Abi,
    private readonly variant: LayoutVariant,
    options: { readonly relax?: readonly RuleId[] } = {},
  ) {
    this.access = new StructAccesses(abi, variant);
    for (const id of options.relax ?? []) this.relax(id);
    this.ev = new TapiEventFields(abi, variant);
    this.closeHd = this.struct('NDIS_TAPI_CLOSE').member('hdLine');
    this.closeCallHd = this.struct('NDIS_TAPI_CLOSE_CALL').member('hdCall');
    this.dropHd = this.struct('NDIS_TAPI_DROP').member('hdCall');
    this.upWrapper = this.struct('NDIS_MAC_LINE_UP').member('ConnectionWrapperID');
    this.upContext = this.struct('NDIS_MAC_LINE_UP').member('NdisLinkContext');
    this.downContext = this.struct('NDIS_MAC_LINE_DOWN').member('NdisLinkContext');
    this.violations$ = this.out.asObservable();
    if ('attach' in source) {
      this.detach = source.attach(this);
    } else {
      const subscription: Subscription = source.subscribe((x) => feed(this, x));
      this.detach = () => subscription.unsubscribe();
    }
  }

  /** Stops reporting a rule. */
  relax(id: RuleId): void {
    if (!RULES_BY_ID.has(id)) throw new RangeError(`no verifier rule ${id}`);
    this.relaxed.add(id);
  }

  /** Reports a relaxed rule again. */
  enforce(id: RuleId): void {
    this.relaxed.delete(id);
  }

  dispose(): void {
    this.detach();
  }

  /** Calls the model holds (known to NDISTAPI and not closed). */
  get liveCalls(): number {
    return this.table.calls.size;
  }

  private struct(name: StructName): StructAccess {
    return this.access.of(name);
  }

  /** A member of a structure at the start of `buffer`; 0 when the buffer is shorter than the structure. */
  private at(m: Member, buffer: Uint8Array): number {
    if (buffer.length < m.structSize) return 0;
    return m.get(this.views.of(buffer));
  }

  private read(name: StructName, buffer: Uint8Array, member: string): number {
    const a = this.struct(name);
    if (buffer.length < a.size) return 0;
    return a.get(this.views.of(buffer), 0, member);
  }

  private breach(id: RuleId, detail: string): void {
    if (this.relaxed.has(id)) return;
    const rule = RULES_BY_ID.get(id)!;
    const exchange: ExchangeRecord = {
      type: this.xType,
      seq: this.xSeq,
      time: this.xTime,
      code: this.xCode,
      ...(this.xRequestId === undefined ? {} : { requestId: this.xRequestId, kind: this.xKind! }),
      ...(this.xStatus === undefined ? {} : { status: this.xStatus }),
      bytes: this.xBuffer.slice(),
    };
    const v: Violation = { rule: id, statement: rule.statement, source: rule.source, seq: this.xSeq, exchange, detail };
    this.violations.push(v);
    this.out.next(v);
  }

  onRequest(seq: number, time: number, requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void {
    this.xType = 'request';
    this.xSeq = seq;
    this.xTime = time;
    this.xCode = oid;
    this.xRequestId = requestId;
    this.xKind = kind;
    this.xStatus = undefined;
    this.xBuffer = buffer;
    this.checkRequest(requestId, kind, oid, buffer);
  }

  onOutcome(type: 'return' | 'completion', seq: number, time: number, requestId: number, kind: RequestKind, oid: number, status: number, _used: number, _needed: number, buffer: Uint8Array): void {
    this.xType = type;
    this.xSeq = seq;
    this.xTime = time;
    this.xCode = oid;
    this.xRequestId = requestId;
    this.xKind = kind;
    this.xStatus = status;
    this.xBuffer = buffer;
    if (type === 'completion') {
      this.checkCompletion(requestId, kind, oid, status);
      return;
    }
    if (status === NDIS_STATUS_PENDING) {
      if (this.current.live) this.pending = this.current.copy();
    } else if (this.current.live) {
      this.final(this.current, status, buffer);
    }
    this.current.live = false;
  }

  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, status: number, buffer: Uint8Array, event?: TapiEventRead): void {
    // The return only completes what the indication started (no rule is checked on it): the
    // exchange under check stays the indication's.
    if (type === 'indicationReturn') return this.afterIndication(buffer);
    this.xType = 'indication';
    this.xSeq = seq;
    this.xTime = time;
    this.xCode = status;
    this.xRequestId = undefined;
    this.xKind = undefined;
    this.xStatus = undefined;
    this.xBuffer = buffer;
    this.checkIndication(status, buffer, event);
  }

  private checkRequest(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void {
    if (this.pending !== undefined) {
      this.breach('ONE_REQUEST_AT_A_TIME', `${oidName(oid)} (request ${requestId}) while ${oidName(this.pending.oid)} (request ${this.pending.requestId}) is pending`);
    }
    // NDISWAN's own OIDs (OID_WAN_GET_INFO) come before TAPI starts; the rule is NDISTAPI's.
    if (!this.initialized && oid !== OID_TAPI_PROVIDER_INITIALIZE && tapiOidInfo(oid) !== undefined) {
      this.breach('REQUEST_BEFORE_INITIALIZE', `${oidName(oid)} before OID_TAPI_PROVIDER_INITIALIZE succeeded`);
    }
    let handle = 0;
    switch (oid) {
      case OID_TAPI_CLOSE:
        handle = this.at(this.closeHd, buffer);
        break;
      case OID_TAPI_CLOSE_CALL:
        handle = this.at(this.closeCallHd, buffer);
        break;
      case OID_TAPI_DROP:
        handle = this.at(this.dropHd, buffer);
        break;
      case OID_TAPI_MAKE_CALL: {
        // NDISTAPI knows htCall from now on: the miniport may indicate for it before completing.
        handle = this.read('NDIS_TAPI_MAKE_CALL', buffer, 'htCall');
        const hdLine = this.read('NDIS_TAPI_MAKE_CALL', buffer, 'hdLine');
        const line = this.table.lineByHd(hdLine);
        if (handle !== 0 && line !== undefined && !this.table.calls.has(handle)) this.table.addCall(handle, line.htLine, 0);
        break;
      }
    }
    const c = this.current;
    c.requestId = requestId;
    c.kind = kind;
    c.oid = oid;
    c.buffer = buffer;
    c.handle = handle;
    c.live = true;
  }

  private checkCompletion(requestId: number, kind: RequestKind, oid: number, status: number): void {
    const p = this.pending;
    if (p === undefined || p.requestId !== requestId) {
      this.breach('COMPLETION_ONCE', `completion of ${oidName(oid)} request ${requestId}, which is not pending`);
      return;
    }
    this.pending = undefined;
    if (status === NDIS_STATUS_PENDING) {
      this.breach('COMPLETION_NOT_PENDING', `${oidName(oid)} request ${requestId} completed with NDIS_STATUS_PENDING`);
      return;
    }
    if (oid !== p.oid || kind !== p.kind) {
      this.breach('COMPLETION_MATCHES_REQUEST', `request ${requestId} was ${p.kind} ${oidName(p.oid)}, completed as ${kind} ${oidName(oid)}`);
    }
    this.final(p, status, this.xBuffer);
  }

  /**
   * What a request's final status means for the model, and the rules on it. IN members are read
   * from the request as sent, OUT members from `out`, the buffer as the miniport answered (the
   * same bytes live; separate records in a trace).
   */
  private final(r: VRequest, status: number, out: Uint8Array): void {
    const ok = status === NDIS_STATUS_SUCCESS;
    switch (r.oid) {
      case OID_TAPI_PROVIDER_INITIALIZE:
        if (ok) this.initialized = true;
        return;
      case OID_TAPI_PROVIDER_SHUTDOWN:
        if (ok) this.reset();
        return;
      case OID_TAPI_OPEN:
        if (ok) {
          const htLine = this.read('NDIS_TAPI_OPEN', r.buffer, 'htLine');
          const deviceId = this.read('NDIS_TAPI_OPEN', r.buffer, 'ulDeviceID');
          this.table.addLine({ htLine, deviceId, hdLine: this.read('NDIS_TAPI_OPEN', out, 'hdLine'), detecting: 0 });
        }
        return;
      case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION:
        if (ok) {
          const hdLine = this.read('NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', r.buffer, 'hdLine');
          const line = this.table.lineByHd(hdLine);
          if (line !== undefined) line.detecting = this.read('NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', r.buffer, 'ulMediaModes');
        }
        return;
      case OID_TAPI_CLOSE: {
        const line = this.table.lineByHd(r.handle);
        if (line === undefined) return;
        if (!ok) {
          this.breach('CLOSE_CANNOT_FAIL', `OID_TAPI_CLOSE of open line hdLine ${hex(r.handle)} returned ${nameOf('NDIS_STATUS', status)}`);
          return;
        }
        this.table.forgetLine(line);
        return;
      }
      case OID_TAPI_CLOSE_CALL: {
        const call = this.table.callByHd(r.handle);
        if (call === undefined) return;
        if (!ok) {
          this.breach('CLOSE_CANNOT_FAIL', `OID_TAPI_CLOSE_CALL of hdCall ${hex(r.handle)} returned ${nameOf('NDIS_STATUS', status)}`);
          return;
        }
        this.table.forgetCall(call);
        return;
      }
      case OID_TAPI_DROP: {
        const call = this.table.callByHd(r.handle);
        if (ok && call !== undefined && call.state !== LINECALLSTATE_IDLE) {
          this.breach('DROP_LEAVES_IDLE', `OID_TAPI_DROP of hdCall ${hex(r.handle)} succeeded with the call still ${state(call.state)}`);
        }
        return;
      }
      case OID_TAPI_MAKE_CALL: {
        const call = this.table.calls.get(r.handle);
        if (call === undefined) return;
        if (!ok) {
          if (call.hdCall === 0 && call.state === 0) this.table.forgetCall(call);
          return;
        }
        const hdCall = this.read('NDIS_TAPI_MAKE_CALL', out, 'hdCall');
        if (hdCall === 0 || this.table.callsByHd.has(hdCall)) {
          this.breach('MAKE_CALL_HDCALL', `OID_TAPI_MAKE_CALL returned hdCall ${hex(hdCall)}${hdCall === 0 ? '' : ', which a live call holds'}`);
          if (hdCall === 0) return;
        }
        this.table.setHdCall(call, hdCall);
        return;
      }
      case OID_TAPI_GET_ID:
        if (ok) this.checkGetId(r, out);
        return;
    }
  }

  private checkGetId(r: VRequest, out: Uint8Array): void {
    const a = this.struct('NDIS_TAPI_GET_ID');
    if (r.buffer.length < a.size || this.read('NDIS_TAPI_GET_ID', r.buffer, 'ulSelect') !== LINECALLSELECT_CALL) return;
    const dv = this.views.of(r.buffer);
    const classSize = a.get(dv, 0, 'ulDeviceClassSize');
    const classOffset = a.get(dv, 0, 'ulDeviceClassOffset');
    if (classOffset + classSize > r.buffer.length) return;
    let name = '';
    for (let i = classOffset; i < classOffset + classSize && r.buffer[i] !== 0; i++) name += String.fromCharCode(r.buffer[i]!);
    if (name.toLowerCase() !== 'ndis') return;
    const call = this.table.callByHd(a.get(dv, 0, 'hdCall'));
    if (call === undefined) return;
    const vs = this.struct('VAR_STRING');
    const at = a.offset('DeviceID');
    if (out.length < at + vs.size) return;
    const ov = this.views.of(out);
    const size = vs.get(ov, at, 'ulStringSize');
    const offset = vs.get(ov, at, 'ulStringOffset');
    const start = at + offset;
    // Only a 1, 2, 4 or 8-byte string holds a scalar id (a corrupt trace may claim any size).
    const got = !SCALAR_SIZES.has(size) || start + size > out.length ? undefined : readScalar(ov, start, size);
    if (call.linkContext === 0 || got !== call.linkContext) {
      this.breach('GET_ID_NDIS_LINK_CONTEXT', `GET_ID "ndis" for htCall ${hex(call.htCall)} returned ${got === undefined ? 'no id' : hex(got)}; the call's link context is ${call.linkContext === 0 ? 'none (no line-up)' : hex(call.linkContext)}`);
    }
  }

  private checkIndication(status: number, buffer: Uint8Array, event: TapiEventRead | undefined): void {
    this.newCall = false;
    this.lineUpCall = undefined;
    switch (status) {
      case NDIS_STATUS_TAPI_INDICATION:
        if (event !== undefined) return this.onTapiEvent(event);
        if (this.ev.read(this.views.of(buffer))) this.onTapiEvent(this.ev);
        return;
      case NDIS_STATUS_WAN_LINE_UP: {
        const htCall = this.at(this.upWrapper, buffer);
        const call = this.table.calls.get(htCall);
        if (call === undefined || call.state === LINECALLSTATE_IDLE) {
          this.breach('LINE_UP_FOR_LIVE_CALL', `line-up with ConnectionWrapperID ${hex(htCall)}: ${call === undefined ? 'no such call' : 'the call is IDLE'}`);
        }
        this.lineUpCall = call;
        return;
      }
      case NDIS_STATUS_WAN_LINE_DOWN: {
        const context = this.at(this.downContext, buffer);
        if (!this.table.links.has(context)) {
          this.breach('LINE_DOWN_KNOWN_LINK', `line-down for NdisLinkContext ${hex(context)}, which is not up`);
          return;
        }
        this.table.linkDown(context);
        return;
      }
    }
  }

  private afterIndication(buffer: Uint8Array): void {
    if (this.newCall) {
      const htCall = this.ev.param2(this.views.of(buffer));
      if (htCall !== 0) this.table.addCall(htCall, this.newCallLine, this.newCallHd);
    } else if (this.lineUpCall !== undefined) {
      const context = this.at(this.upContext, buffer);
      if (context !== 0) this.table.linkUp(this.lineUpCall, context);
    }
    this.newCall = false;
    this.lineUpCall = undefined;
  }

  private onTapiEvent(e: TapiEventRead): void {
    const { htLine, htCall, msg, p1, p2, p3 } = e;
    const line = this.table.lines.get(htLine);
    if (line === undefined) this.breach('EVENT_UNKNOWN_LINE', `${nameOf('LINE_MESSAGE', msg)} for htLine ${hex(htLine)}, which is not open`);
    if (msg === LINE_NEWCALL) {
      if (htCall !== 0 || p2 !== 0 || p3 !== 0 || p1 === 0) {
        this.breach('NEWCALL_FIELDS', `LINE_NEWCALL with hdCall (ulParam1) ${hex(p1)}, htCall ${hex(htCall)}, ulParam2 ${hex(p2)}, ulParam3 ${hex(p3)}`);
      }
      if (line !== undefined && line.detecting === 0) {
        this.breach('NEWCALL_ON_DETECTING_LINE', `LINE_NEWCALL on htLine ${hex(htLine)}, which has no default media detection`);
      }
      if (this.table.callsByHd.has(p1)) this.breach('NEWCALL_HDCALL_UNIQUE', `LINE_NEWCALL with hdCall ${hex(p1)}, which a live call holds`);
      this.newCall = true;
      this.newCallLine = htLine;
      this.newCallHd = p1;
      return;
    }
    if (msg !== LINE_CALLSTATE && msg !== LINE_CALLINFO && msg !== LINE_CALLDEVSPECIFIC) return;
    const call = this.table.calls.get(htCall);
    if (call === undefined) {
      this.breach('EVENT_UNKNOWN_CALL', `${nameOf('LINE_MESSAGE', msg)} for htCall ${hex(htCall)}, which NDISTAPI does not know or has closed`);
      return;
    }
    if (call.state === LINECALLSTATE_IDLE) {
      this.breach('EVENT_AFTER_IDLE', `${nameOf('LINE_MESSAGE', msg)}${msg === LINE_CALLSTATE ? ` ${state(p1)}` : ''} for htCall ${hex(htCall)} after IDLE`);
    }
    if (msg !== LINE_CALLSTATE) return;
    if (p1 === 0 || (p1 & (p1 - 1)) !== 0) {
      this.breach('CALLSTATE_ONE_STATE', `LINE_CALLSTATE with ulParam1 ${hex(p1)} (${state(p1)})`);
    }
    if (p1 === LINECALLSTATE_OFFERING && line !== undefined && (p3 === 0 || (p3 & line.detecting) !== p3)) {
      this.breach('OFFERING_MEDIA_MODE', `OFFERING with media mode ${nameOf('LINEMEDIAMODE', p3)}; the line detects ${nameOf('LINEMEDIAMODE', line.detecting)}`);
    }
    if (p1 === LINECALLSTATE_CONNECTED && call.linkContext === 0) {
      this.breach('CONNECTED_AFTER_LINE_UP', `CONNECTED for htCall ${hex(htCall)} before its line-up`);
    }
    call.state = p1;
  }

  private reset(): void {
    this.initialized = false;
    this.table.clear();
  }
}
