import { Subject, type Observable } from 'rxjs';
import {
  NDIS_STATUS_INVALID_DATA,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_INVALID_OID,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_TAPI_OPERATIONUNAVAIL,
  layoutOf,
  tapiOidInfo,
  type Abi,
  type LayoutVariant,
  type RequestKind,
} from '../oid/index.js';
import type { Clock, Timer } from '../sim/clock.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { CompletionPolicies, type CompletionPolicy } from './completion-policy.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from './miniport.js';
import { CALL_OIDS } from './oids/call-oids.js';
import { GET_ID_OID } from './oids/get-id.js';
import { DEV_SPECIFIC_OID } from './oids/dev-specific.js';
import { INFO_OIDS } from './oids/info-oids.js';
import { LINE_OIDS } from './oids/line-oids.js';
import { WAN_OIDS } from './oids/wan-oids.js';
import { RequestContext, type OidEntry } from './oids/request-context.js';
import { RemoteParty } from './remote-party.js';
import { SimCore } from './sim-core.js';
import { ViewCache, type StructAccess } from './struct-access.js';
import { resolveConfig, type SimulatedMiniportConfig, type SimulatedMiniportOptions } from './sim-config.js';

const ENTRIES: ReadonlyMap<number, OidEntry> = new Map([...WAN_OIDS, ...LINE_OIDS, ...CALL_OIDS, ...INFO_OIDS, GET_ID_OID, DEV_SPECIFIC_OID].map((e) => [e.oid, e]));

/**
 * The OIDs the simulated miniport serves (OID_WAN_GET_INFO and the TAPI ones); every other TAPI
 * OID is NDIS_STATUS_TAPI_OPERATIONUNAVAIL, anything else NDIS_STATUS_INVALID_OID.
 */
export const SIMULATED_OIDS: readonly number[] = [...ENTRIES.keys()];

/** An OID this miniport serves, resolved for its ABI once: handler, member access, least buffer. */
interface Served {
  readonly entry: OidEntry;
  readonly access: StructAccess;
  readonly least: number;
}

interface Pending {
  readonly requestId: number;
  readonly kind: RequestKind;
  readonly oid: number;
  readonly entry: OidEntry;
  readonly context: RequestContext;
  readonly policy: CompletionPolicy;
  timer: Timer | undefined;
}

/** A call as the simulated miniport holds it, for tests and views. */
export interface SimulatedCallView {
  readonly hdCall: number;
  readonly htCall: number;
  readonly line: number;
  readonly addressId: number;
  readonly inbound: boolean;
  /** LINECALLSTATE_*. */
  readonly state: number;
  readonly mediaMode: number;
  readonly linkUp: boolean;
  readonly secure: boolean;
}

/**
 * A WAN miniport that behaves as the WDK says one must (../shared/reference/ndis-tapi.md §5-§9):
 * line devices with addresses and calls, media detection, offer timeouts, outgoing progress,
 * line-up and line-down, completion policies and a scriptable remote party. Bytes in and out;
 * bad input is an NDIS_STATUS, never an exception.
 */
export class SimulatedMiniport implements Miniport {
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  readonly config: SimulatedMiniportConfig;
  readonly clock: Clock;
  readonly indications$: Observable<StatusIndication>;
  readonly completions$: Observable<Completion>;
  /** How requests are answered: at once, pended, held or forced. */
  readonly policies = new CompletionPolicies();
  /** The far end: offer, answer, busy, hang up. */
  readonly remote: RemoteParty;
  private readonly core: SimCore;
  private readonly completions = new Subject<Completion>();
  private readonly pending = new Map<number, Pending>();
  private readonly views = new ViewCache();
  private readonly served = new Map<number, Served>();
  private sinks: MiniportSink[] = [];
  private readonly syncContext = new RequestContext(new Uint8Array(0), new DataView(new ArrayBuffer(0)), { bytesUsed: 0, bytesNeeded: 0 });
  private syncBusy = false;

  constructor(options: SimulatedMiniportOptions & { readonly clock?: Clock } = {}) {
    const { clock, ...rest } = options;
    this.config = resolveConfig(rest);
    this.abi = this.config.abi;
    this.variant = this.config.variant;
    this.clock = clock ?? new VirtualClock();
    this.core = new SimCore(this.config, this.clock);
    this.indications$ = this.core.out.indications$.asObservable();
    this.completions$ = this.completions.asObservable();
    this.remote = new RemoteParty(this.core);
    for (const entry of ENTRIES.values()) {
      const access = this.core.access(entry.structure);
      const least = entry.minimum === undefined ? access.size : layoutOf(entry.structure, this.abi, entry.minimum).size;
      this.served.set(entry.oid, { entry, access, least });
    }
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    counts.bytesUsed = 0;
    counts.bytesNeeded = 0;
    const served = this.served.get(oid);
    if (served === undefined) {
      const info = tapiOidInfo(oid);
      // A TAPI OID the miniport does not implement (§6 common points); anything else is not ours.
      return info !== undefined && (info.kind === undefined || info.kind === kind) ? NDIS_STATUS_TAPI_OPERATIONUNAVAIL : NDIS_STATUS_INVALID_OID;
    }
    const { entry, access } = served;
    if (entry.kind !== kind) return NDIS_STATUS_INVALID_OID;
    if (buffer.length < served.least) {
      counts.bytesNeeded = access.size;
      return NDIS_STATUS_INVALID_LENGTH;
    }
    const policy = this.policies.take(oid);
    if (policy.mode === 'sync') {
      // One context serves every synchronous request; a request made from inside a handler
      // (an observer of its indications calling back in) gets its own.
      const dv = this.views.of(buffer);
      if (this.syncBusy) return entry.handler(this.core, new RequestContext(buffer, dv, counts), access);
      this.syncBusy = true;
      try {
        return entry.handler(this.core, this.syncContext.reset(buffer, dv, counts), access);
      } finally {
        this.syncBusy = false;
      }
    }
    if (policy.mode === 'force' && policy.pend !== true) return policy.status;
    if (this.pending.has(requestId)) {
      // Two outstanding requests with one id could never be told apart at completion.
      return NDIS_STATUS_INVALID_DATA;
    }
    // The miniport owns the buffer until completion; it fills its own counts then.
    const p: Pending = { requestId, kind, oid, entry, context: new RequestContext(buffer, new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength), { bytesUsed: 0, bytesNeeded: 0 }), policy, timer: undefined };
    this.pending.set(requestId, p);
    if (policy.mode === 'pend' || policy.mode === 'force') {
      p.timer = this.clock.setTimer(policy.mode === 'pend' ? policy.delayMs : (policy.delayMs ?? 0), () => this.finish(p));
    }
    return NDIS_STATUS_PENDING;
  }

  attach(sink: MiniportSink): () => void {
    const out = this.core.out;
    out.sinks = [...out.sinks, sink];
    this.sinks = [...this.sinks, sink];
    return () => {
      out.sinks = out.sinks.filter((s) => s !== sink);
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /**
   * Stops every timer the miniport set (offer timeouts, outgoing progress, pended completions)
   * and drops pended requests unanswered: for the end of a run on the real clock. The miniport
   * should not be used afterwards.
   */
  dispose(): void {
    this.core.stopTimers();
    for (const p of this.pending.values()) p.timer?.cancel();
    this.pending.clear();
  }

  /** Request ids pended and not yet completed, oldest first. */
  get outstanding(): readonly number[] {
    return [...this.pending.keys()];
  }

  /**
   * Completes a held (or pended) request now: the oldest when no id is given. Returns false
   * when there is no such request.
   */
  complete(requestId?: number): boolean {
    const id = requestId ?? this.pending.keys().next().value;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (p === undefined) return false;
    this.finish(p);
    return true;
  }

  /** The calls the miniport holds (not yet freed by CLOSE_CALL). */
  get calls(): readonly SimulatedCallView[] {
    return [...this.core.calls.values()].map((c) => ({
      hdCall: c.hdCall,
      htCall: c.htCall,
      line: c.line.index,
      addressId: c.addressId,
      inbound: c.inbound,
      state: c.state,
      mediaMode: c.mediaMode,
      linkUp: c.linkUp,
      secure: c.secure,
    }));
  }

  /** Number of calls held, without building views. */
  get callCount(): number {
    return this.core.calls.size;
  }

  /** Whether PROVIDER_INITIALIZE succeeded and no PROVIDER_SHUTDOWN followed. */
  get initialized(): boolean {
    return this.core.initialized;
  }

  private finish(p: Pending): void {
    if (!this.pending.delete(p.requestId)) return;
    if (p.timer !== undefined) p.timer.cancel();
    const policy = p.policy;
    const status =
      policy.mode === 'force' ? policy.status : p.entry.handler(this.core, p.context, this.served.get(p.oid)!.access);
    const counts = p.context.counts;
    const c: Completion = { requestId: p.requestId, kind: p.kind, oid: p.oid, status, bytesUsed: counts.bytesUsed, bytesNeeded: counts.bytesNeeded };
    for (const sink of this.sinks) sink.complete(c);
    this.completions.next(c);
  }
}
