import { Subject } from 'rxjs';
import {
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  type Abi,
  type LayoutVariant,
} from '../oid/index.js';
import type { MiniportSink, StatusIndication } from './miniport.js';
import { StructAccess, type Member } from './struct-access.js';
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
  private readonly upSpeed: Member;
  private readonly upWrapper: Member;
  private readonly upHandle: Member;
  private readonly upContext: Member;
  private readonly downContext: Member;
  /** Byte offsets of the 4-byte words of each structure that no writer below sets (zeroed instead of the whole buffer). */
  private readonly upZeros: readonly number[];
  private readonly downZeros: readonly number[];
  private readonly pool: Scratch[] = [];
  private depth = 0;

  constructor(abi: Abi, variant: LayoutVariant) {
    this.event = new TapiEventFields(abi, variant);
    this.up = new StructAccess('NDIS_MAC_LINE_UP', abi, variant);
    this.down = new StructAccess('NDIS_MAC_LINE_DOWN', abi, variant);
    this.upSpeed = this.up.member('LinkSpeed');
    this.upWrapper = this.up.member('ConnectionWrapperID');
    this.upHandle = this.up.member('NdisLinkHandle');
    this.upContext = this.up.member('NdisLinkContext');
    this.downContext = this.down.member('NdisLinkContext');
    this.upZeros = wordsOutside(this.up.size, [this.upSpeed, this.upWrapper, this.upHandle, this.upContext]);
    this.downZeros = wordsOutside(this.down.size, [this.downContext]);
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
    // Quality, SendWindow and the rest start at 0.
    const s = this.zeroed(this.upZeros);
    this.upSpeed.set(s.dv, linkSpeed);
    this.upWrapper.set(s.dv, connectionWrapperId);
    this.upHandle.set(s.dv, linkHandle);
    this.upContext.set(s.dv, linkContext);
    try {
      this.deliver(NDIS_STATUS_WAN_LINE_UP, s.up);
      return this.upContext.get(s.dv);
    } finally {
      this.depth--;
    }
  }

  /** Indicates NDIS_STATUS_WAN_LINE_DOWN. */
  lineDown(linkContext: number): void {
    const s = this.zeroed(this.downZeros);
    this.downContext.set(s.dv, linkContext);
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

  /** The scratch buffer for the current depth with the given words zeroed (the rest is written by the caller). */
  private zeroed(words: readonly number[]): Scratch {
    const s = this.scratch();
    const dv = s.dv;
    for (let i = 0; i < words.length; i++) dv.setUint32(words[i]!, 0, true);
    return s;
  }
}

/**
 * The byte offsets of the 4-byte words of a structure of `size` bytes that none of `written`
 * covers. Every member of the structures indicated here is a whole number of words at a word
 * offset; a member that is not would leave its word on this list, zeroed before it is written.
 */
export function wordsOutside(size: number, written: readonly Member[]): number[] {
  const covered = new Uint8Array(size);
  for (const m of written) if (m.offset % 4 === 0 && m.size % 4 === 0) covered.fill(1, m.offset, m.offset + m.size);
  const words: number[] = [];
  for (let i = 0; i + 4 <= size; i += 4) if (covered[i] === 0) words.push(i);
  return words;
}
