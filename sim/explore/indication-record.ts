import {
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_LINEDEVSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  nameOf,
  type Abi,
  type LayoutVariant,
} from '../../oid/index.js';
import { StructAccess, type Member } from '../../miniport/struct-access.js';
import { TapiEventFields } from '../../miniport/tapi-event-fields.js';
import type { EventKind } from './mismatch.js';

/** One status indication as the reference model sees it, with what NDISTAPI wrote back into it. */
export interface IndicationRecord {
  readonly kind: EventKind;
  readonly seq: number;
  readonly time: number;
  readonly htLine: number;
  /** The call it names: htCall of an event, ConnectionWrapperID of a line-up; 0 otherwise. */
  readonly htCall: number;
  readonly msg: number;
  readonly p1: number;
  readonly p2: number;
  readonly p3: number;
  /** LINE_NEWCALL: the htCall NDISTAPI wrote into ulParam2; a line-up: the NdisLinkContext written back; a line-down: its NdisLinkContext. */
  back: number;
}

const hex = (v: number): string => `0x${v.toString(16)}`;

/** A readable line for an indication record, for mismatch messages. */
export function describeIndication(r: IndicationRecord): string {
  switch (r.kind) {
    case 'newCall':
      return `LINE_NEWCALL hdCall=${hex(r.p1)} htLine=${hex(r.htLine)}`;
    case 'callState':
      return `LINE_CALLSTATE ${nameOf('LINECALLSTATE', r.p1)} htCall=${hex(r.htCall)}`;
    case 'callInfo':
      return `LINE_CALLINFO ${nameOf('LINECALLINFOSTATE', r.p1)} htCall=${hex(r.htCall)}`;
    case 'lineDevState':
      return `LINE_LINEDEVSTATE ${nameOf('LINEDEVSTATE', r.p1)} htLine=${hex(r.htLine)}`;
    case 'lineUp':
      return `NDIS_STATUS_WAN_LINE_UP ConnectionWrapperID=${hex(r.htCall)}`;
    case 'lineDown':
      return `NDIS_STATUS_WAN_LINE_DOWN NdisLinkContext=${hex(r.back)}`;
    case 'other':
      return r.msg === -1 ? 'an indication' : `${nameOf('LINE_MESSAGE', r.msg)} htCall=${hex(r.htCall)}`;
  }
}

/** Reads indications (NDIS_TAPI_EVENT, NDIS_MAC_LINE_UP, NDIS_MAC_LINE_DOWN) into records. */
export class IndicationReader {
  private readonly ev: TapiEventFields;
  private readonly upWrapper: Member;
  private readonly upContext: Member;
  private readonly downContext: Member;

  constructor(abi: Abi, variant: LayoutVariant) {
    this.ev = new TapiEventFields(abi, variant);
    const up = new StructAccess('NDIS_MAC_LINE_UP', abi, variant);
    this.upWrapper = up.member('ConnectionWrapperID');
    this.upContext = up.member('NdisLinkContext');
    this.downContext = new StructAccess('NDIS_MAC_LINE_DOWN', abi, variant).member('NdisLinkContext');
  }

  read(status: number, buffer: Uint8Array, seq: number, time: number): IndicationRecord {
    const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (status === NDIS_STATUS_TAPI_INDICATION && this.ev.read(dv)) {
      const e = this.ev;
      const kind: EventKind = e.msg === LINE_NEWCALL ? 'newCall' : e.msg === LINE_CALLSTATE ? 'callState' : e.msg === LINE_CALLINFO ? 'callInfo' : e.msg === LINE_LINEDEVSTATE ? 'lineDevState' : 'other';
      return { kind, seq, time, htLine: e.htLine, htCall: e.htCall, msg: e.msg, p1: e.p1, p2: e.p2, p3: e.p3, back: 0 };
    }
    if (status === NDIS_STATUS_WAN_LINE_UP && buffer.length >= this.upWrapper.structSize) {
      return { kind: 'lineUp', seq, time, htLine: 0, htCall: this.upWrapper.get(dv), msg: -1, p1: 0, p2: 0, p3: 0, back: 0 };
    }
    if (status === NDIS_STATUS_WAN_LINE_DOWN && buffer.length >= this.downContext.structSize) {
      return { kind: 'lineDown', seq, time, htLine: 0, htCall: 0, msg: -1, p1: 0, p2: 0, p3: 0, back: this.downContext.get(dv) };
    }
    return { kind: 'other', seq, time, htLine: 0, htCall: 0, msg: -1, p1: 0, p2: 0, p3: 0, back: 0 };
  }

  /** Takes what NDISTAPI and NDISWAN wrote back into the buffer as the indication returned. */
  readBack(r: IndicationRecord, buffer: Uint8Array): void {
    const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (r.kind === 'newCall') r.back = this.ev.param2(dv);
    else if (r.kind === 'lineUp' && buffer.length >= this.upContext.structSize) r.back = this.upContext.get(dv);
  }
}
