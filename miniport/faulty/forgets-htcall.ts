import { LINE_NEWCALL, NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_WAN_LINE_UP } from '../../oid/index.js';
import { StructAccess, type Member } from '../struct-access.js';
import { TapiEventFields } from '../tapi-event-fields.js';
import type { ScriptableMiniport } from '../scriptable-miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Reads ulParam2 of LINE_NEWCALL before NDISTAPI writes the htCall into it, so it keeps 0: every
 * later indication about the call (LINE_CALLSTATE, LINE_CALLINFO, the line-up's
 * ConnectionWrapperID) names htCall 0 instead of the call (ndis-tapi.md §5, LINE_NEWCALL details).
 */
export class ForgetsHtCall extends FaultyMiniport {
  private readonly ev: TapiEventFields;
  private readonly wrapper: Member;
  /** The htCalls NDISTAPI gave this miniport's calls, which it then forgot. */
  private readonly forgotten = new Set<number>();

  constructor(inner: ScriptableMiniport) {
    super(inner);
    this.ev = new TapiEventFields(inner.abi, inner.variant);
    this.wrapper = new StructAccess('NDIS_MAC_LINE_UP', inner.abi, inner.variant).member('ConnectionWrapperID');
  }

  protected override fromInner(status: number, buffer: Uint8Array): void {
    const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (status === NDIS_STATUS_WAN_LINE_UP && buffer.length >= this.wrapper.structSize && this.forgotten.has(this.wrapper.get(dv))) {
      // In place: NDISWAN writes NdisLinkContext into this buffer for the inner miniport.
      this.wrapper.set(dv, 0);
      this.indicateUp(status, buffer);
      return;
    }
    if (status !== NDIS_STATUS_TAPI_INDICATION || !this.ev.read(dv)) return this.indicateUp(status, buffer);
    if (this.ev.msg === LINE_NEWCALL) {
      this.indicateUp(status, buffer);
      const htCall = this.ev.param2(dv);
      if (htCall !== 0) this.forgotten.add(htCall);
      return;
    }
    if (!this.forgotten.has(this.ev.htCall)) return this.indicateUp(status, buffer);
    const copy = buffer.slice();
    const e = this.ev;
    e.write(new DataView(copy.buffer), e.htLine, 0, e.msg, e.p1, e.p2, e.p3);
    this.indicateUp(status, copy);
  }
}
