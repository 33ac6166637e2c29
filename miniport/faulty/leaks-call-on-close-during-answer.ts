import { NDIS_STATUS_PENDING, NDIS_STATUS_SUCCESS, OID_TAPI_ANSWER, OID_TAPI_CLOSE_CALL, type RequestKind } from '../../oid/index.js';
import type { ByteCounts, Completion } from '../miniport.js';
import { StructAccess, type Member } from '../struct-access.js';
import type { ScriptableMiniport } from '../scriptable-miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Leaks a call closed while its pended OID_TAPI_ANSWER is completing. NDIS hands the next
 * queued request to the miniport from inside NdisMSetInformationComplete, so a CLOSE_CALL queued
 * behind the ANSWER arrives while this variant still marks the call as answering (it clears the
 * mark only when it takes its next request); it then leaves the free to the answer's completion
 * path, which has already run: the call, its link and its address stay held, and CLOSE_CALL
 * returns NDIS_STATUS_SUCCESS (ndis-tapi.md §6.10).
 */
export class LeaksCallOnCloseDuringAnswer extends FaultyMiniport {
  private readonly answerHd: Member;
  private readonly closeHd: Member;
  private readonly closeSize: number;
  /** hdCall of pended ANSWERs, by request id. */
  private readonly answering = new Map<number, number>();
  /** The call whose pended ANSWER completed last, until the next request. */
  private answered: number | undefined;

  constructor(inner: ScriptableMiniport) {
    super(inner);
    this.answerHd = new StructAccess('NDIS_TAPI_ANSWER', inner.abi, inner.variant).member('hdCall');
    const close = new StructAccess('NDIS_TAPI_CLOSE_CALL', inner.abi, inner.variant);
    this.closeHd = close.member('hdCall');
    this.closeSize = close.size;
  }

  override request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    const dv = (): DataView => new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const answered = this.answered;
    this.answered = undefined;
    if (oid === OID_TAPI_CLOSE_CALL && answered !== undefined && buffer.length >= this.closeSize && this.closeHd.get(dv()) === answered) {
      counts.bytesUsed = this.closeSize;
      counts.bytesNeeded = 0;
      return NDIS_STATUS_SUCCESS;
    }
    const status = super.request(requestId, kind, oid, buffer, counts);
    if (oid === OID_TAPI_ANSWER && status === NDIS_STATUS_PENDING && buffer.length >= this.answerHd.structSize) this.answering.set(requestId, this.answerHd.get(dv()));
    return status;
  }

  protected override completedInner(c: Completion): void {
    const hd = this.answering.get(c.requestId);
    if (hd !== undefined && c.oid === OID_TAPI_ANSWER) {
      this.answering.delete(c.requestId);
      // Only a call that was answered is marked.
      if (c.status === NDIS_STATUS_SUCCESS) this.answered = hd;
    }
    this.completeUp(c);
  }
}
