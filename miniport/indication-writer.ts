import { Subject } from 'rxjs';
import {
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  type Abi,
  type LayoutVariant,
} from '../oid/index.js';
import type { MiniportSink, StatusIndication } from './miniport.js';
import { StructAccess } from './struct-access.js';
import { TapiEventFields } from './tapi-event-fields.js';

/** One scratch buffer per nesting level: an observer may cause an indication while one is delivered. */
class Scratch {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  /** The buffers handed up, one per structure, made once so consumers can cache views of them. */
  readonly event: Uint8Array;
  readonly up: Uint8Array;
  readonly down: Uint8Array;
  constructor(size: number, eventSize: number, upSize: number, downSize: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
    this.event = this.bytes.subarray(0, eventSize);
    this.up = this.bytes.subarray(0, upSize);
    this.down = this.bytes.subarray(0, downSize);
  }
}

/**
 * NdisMIndicateStatus for a miniport: builds NDIS_TAPI_EVENT, NDIS_MAC_LINE_UP and
 * NDIS_MAC_LINE_DOWN in scratch buffers at the schema's offsets, delivers them synchronously
 * on `indications$`, and reads back what the layer above wrote into them (htCall in ulParam2 of
 * LINE_NEWCALL, NdisLinkContext in the line-up), as a real miniport does after the call returns.
 */
export class IndicationWriter {
  readonly indications$ = new Subject<StatusIndication>();
  /** Direct receivers (Miniport.attach); the Subject is fed only while observed. */
  sinks: MiniportSink[] = [];
  private readonly event: TapiEventFields;
  private readonly up: StructAccess;
  private readonly down: StructAccess;
  private readonly pool: Scratch[] = [];
  private depth = 0;

  constructor(abi: Abi, variant: LayoutVariant) {
    this.event = new TapiEventFields(abi, variant);
    this.up = new StructAccess('NDIS_MAC_LINE_UP', abi, variant);
    this.down = new StructAccess('NDIS_MAC_LINE_DOWN', abi, variant);
  }

  /**
   * Indicates NDIS_STATUS_TAPI_INDICATION with an NDIS_TAPI_EVENT; returns ulParam2 as it stands
   * after delivery (for LINE_NEWCALL: the htCall NDISTAPI wrote there).
   */
  tapiEvent(htLine: number, htCall: number, msg: number, p1: number, p2: number, p3: number): number {
    const s = this.scratch();
    // Every member is written and write() zeroes the padding: no fill needed.
    this.event.write(s.dv, htLine, htCall, msg, p1, p2, p3);
    try {
      this.deliver(NDIS_STATUS_TAPI_INDICATION, s.event);
      return this.event.param2(s.dv);
    } finally {
      this.depth--;
    }
  }

  /** Indicates NDIS_STATUS_WAN_LINE_UP; returns the NdisLinkContext NDISWAN wrote back. */
  lineUp(linkSpeed: number, connectionWrapperId: number, linkHandle: number, linkContext: number): number {
    const u = this.up;
    const s = this.take(u.size);
    u.set(s.dv, 0, 'LinkSpeed', linkSpeed);
    u.set(s.dv, 0, 'Quality', 0);
    u.set(s.dv, 0, 'SendWindow', 0);
    u.set(s.dv, 0, 'ConnectionWrapperID', connectionWrapperId);
    u.set(s.dv, 0, 'NdisLinkHandle', linkHandle);
    u.set(s.dv, 0, 'NdisLinkContext', linkContext);
    try {
      this.deliver(NDIS_STATUS_WAN_LINE_UP, s.up);
      return u.get(s.dv, 0, 'NdisLinkContext');
    } finally {
      this.depth--;
    }
  }

  /** Indicates NDIS_STATUS_WAN_LINE_DOWN. */
  lineDown(linkContext: number): void {
    const d = this.down;
    const s = this.take(d.size);
    d.set(s.dv, 0, 'NdisLinkContext', linkContext);
    try {
      this.deliver(NDIS_STATUS_WAN_LINE_DOWN, s.down);
    } finally {
      this.depth--;
    }
  }

  private deliver(status: number, buffer: Uint8Array): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.indicate(status, buffer);
    if (this.indications$.observed) this.indications$.next({ status, buffer });
  }

  /** The scratch buffer for the current depth (the caller decrements `depth` when done). */
  private scratch(): Scratch {
    let s = this.pool[this.depth];
    if (s === undefined) {
      s = new Scratch(Math.max(this.event.size, this.up.size, this.down.size), this.event.size, this.up.size, this.down.size);
      this.pool[this.depth] = s;
    }
    this.depth++;
    return s;
  }

  /** A zeroed scratch buffer for the current depth. */
  private take(size: number): Scratch {
    const s = this.scratch();
    s.bytes.fill(0, 0, size);
    return s;
  }
}
