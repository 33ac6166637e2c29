import { Subject } from 'rxjs';
import {
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  codecFor,
  isCodecError,
  layoutOf,
  type RequestKind,
  type StructInput,
  type StructName,
} from '../../oid/index.js';
import type { ByteCounts, Completion, Miniport, StatusIndication } from '../../miniport/miniport.js';

export type ScriptedHandler = (requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts) => number;

function encode<S extends StructName>(name: S, value: StructInput<S>): Uint8Array {
  const bytes = codecFor(name, 'x64').encode(value);
  if (isCodecError(bytes)) throw new Error(bytes.toString());
  return bytes;
}

function setMember(name: StructName, buffer: Uint8Array, member: string, value: number): void {
  const at = layoutOf(name, 'x64', 'wdk').offsets[member]!;
  new DataView(buffer.buffer, buffer.byteOffset).setUint32(at, value, true);
}

/**
 * A hand-driven miniport (x64) for tests of the layers above the seam: it answers requests
 * through a replaceable handler (by default success, with an hdLine for OPEN and a fresh hdCall
 * for MAKE_CALL) and indicates whatever the test tells it to, right or wrong.
 */
export class ScriptedMiniport implements Miniport {
  readonly abi = 'x64' as const;
  readonly variant = 'wdk' as const;
  readonly indications = new Subject<StatusIndication>();
  readonly completions = new Subject<Completion>();
  readonly indications$ = this.indications.asObservable();
  readonly completions$ = this.completions.asObservable();
  private nextHdCall = 0x9000;
  handler: ScriptedHandler = (_id, _kind, oid, buffer) => {
    if (oid === OID_TAPI_OPEN) setMember('NDIS_TAPI_OPEN', buffer, 'hdLine', 0x100);
    if (oid === OID_TAPI_MAKE_CALL) setMember('NDIS_TAPI_MAKE_CALL', buffer, 'hdCall', this.nextHdCall++);
    return NDIS_STATUS_SUCCESS;
  };

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    counts.bytesUsed = 0;
    counts.bytesNeeded = 0;
    return this.handler(requestId, kind, oid, buffer, counts);
  }

  /** Indicates an NDIS_TAPI_EVENT; returns the buffer as it stands after delivery. */
  event(htLine: number, htCall: number, ulMsg: number, ulParam1: number, ulParam2 = 0, ulParam3 = 0): Uint8Array {
    const buffer = encode('NDIS_TAPI_EVENT', { htLine, htCall, ulMsg, ulParam1, ulParam2, ulParam3 });
    this.indications.next({ status: NDIS_STATUS_TAPI_INDICATION, buffer });
    return buffer;
  }

  /** Indicates a line-up; returns the NdisLinkContext written back. */
  lineUp(connectionWrapperId: number, linkHandle = 1): number {
    const buffer = encode('NDIS_MAC_LINE_UP', { LinkSpeed: 640, ConnectionWrapperID: connectionWrapperId, NdisLinkHandle: linkHandle });
    this.indications.next({ status: NDIS_STATUS_WAN_LINE_UP, buffer });
    const back = codecFor('NDIS_MAC_LINE_UP', 'x64').decode(buffer);
    if (isCodecError(back)) throw new Error(back.toString());
    return Number(back.NdisLinkContext);
  }

  lineDown(linkContext: number): void {
    this.indications.next({ status: NDIS_STATUS_WAN_LINE_DOWN, buffer: encode('NDIS_MAC_LINE_DOWN', { NdisLinkContext: linkContext }) });
  }

  /** Completes a pended request. */
  complete(requestId: number, kind: RequestKind, oid: number, status = NDIS_STATUS_SUCCESS): void {
    this.completions.next({ requestId, kind, oid, status, bytesUsed: 0, bytesNeeded: 0 });
  }
}
