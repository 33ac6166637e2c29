import { Subject, type Observable } from 'rxjs';
import {
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  type RequestKind,
} from '../oid/index.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from './miniport.js';
import { TapiEventFields } from './tapi-event-fields.js';

/** Which indications a fault applies to. */
export interface IndicationMatch {
  /** newCall, callState, callInfo, lineUp, lineDown, or any (every indication). */
  readonly event: 'newCall' | 'callState' | 'callInfo' | 'lineUp' | 'lineDown' | 'any';
  /** For callState: the LINECALLSTATE_* it carries. */
  readonly state?: number;
}

export interface Fault {
  readonly action: 'drop' | 'duplicate';
  readonly match: IndicationMatch;
  /** How many matching indications it applies to (then it is spent). */
  remaining: number;
}

/**
 * A Miniport between a miniport and the layer above that drops or duplicates chosen status
 * indications, to see how NDISTAPI, the verifier and the layers above cope with a miniport
 * that loses or repeats events. Requests and completions pass through untouched.
 */
export class FaultInjector implements Miniport {
  readonly abi;
  readonly variant;
  readonly indications$: Observable<StatusIndication>;
  readonly completions$: Observable<Completion>;
  private readonly faults: Fault[] = [];
  private readonly out = new Subject<StatusIndication>();
  private readonly event: TapiEventFields;
  private sinks: MiniportSink[] = [];
  /** Indications dropped and duplicated so far. */
  dropped = 0;
  duplicated = 0;

  constructor(private readonly inner: Miniport) {
    this.abi = inner.abi;
    this.variant = inner.variant;
    this.event = new TapiEventFields(inner.abi, inner.variant);
    this.completions$ = inner.completions$;
    this.indications$ = this.out.asObservable();
    const deliver = (status: number, buffer: Uint8Array): void => {
      for (const s of this.sinks) s.indicate(status, buffer);
      if (this.out.observed) this.out.next({ status, buffer });
    };
    const filter = (status: number, buffer: Uint8Array): void => {
      const f = this.faults.find((x) => x.remaining > 0 && this.matches(x.match, status, buffer));
      if (f === undefined) return deliver(status, buffer);
      f.remaining--;
      if (f.action === 'drop') {
        this.dropped++;
        return;
      }
      this.duplicated++;
      deliver(status, buffer);
      deliver(status, buffer);
    };
    if (inner.attach !== undefined) {
      inner.attach({ indicate: filter, complete: (c) => this.sinks.forEach((s) => s.complete(c)) });
    } else {
      inner.indications$.subscribe((i) => filter(i.status, i.buffer));
    }
  }

  /** Adds a fault; the first one that matches an indication applies. */
  inject(action: Fault['action'], match: IndicationMatch, times = 1): void {
    this.faults.push({ action, match, remaining: times });
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    return this.inner.request(requestId, kind, oid, buffer, counts);
  }

  attach(sink: MiniportSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  private matches(m: IndicationMatch, status: number, buffer: Uint8Array): boolean {
    switch (m.event) {
      case 'any':
        return true;
      case 'lineUp':
        return status === NDIS_STATUS_WAN_LINE_UP;
      case 'lineDown':
        return status === NDIS_STATUS_WAN_LINE_DOWN;
      default: {
        if (status !== NDIS_STATUS_TAPI_INDICATION) return false;
        if (!this.event.read(new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength))) return false;
        const msg = m.event === 'newCall' ? LINE_NEWCALL : m.event === 'callState' ? LINE_CALLSTATE : LINE_CALLINFO;
        if (this.event.msg !== msg) return false;
        return m.state === undefined || this.event.p1 === m.state;
      }
    }
  }
}
