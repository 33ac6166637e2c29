import { LINECALLSTATE_OFFERING, LINE_CALLSTATE, NDIS_STATUS_TAPI_INDICATION } from '../../oid/index.js';
import { TapiEventFields } from '../tapi-event-fields.js';
import type { ScriptableMiniport } from '../scriptable-miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Indicates LINE_NEWCALL for an incoming call but never LINE_CALLSTATE OFFERING, which must
 * follow it with the call's media mode (ndis-tapi.md §5, §6.6 step 2): the call is there, but
 * TAPI never learns it is ringing.
 */
export class NewCallWithoutOffering extends FaultyMiniport {
  private readonly ev: TapiEventFields;

  constructor(inner: ScriptableMiniport) {
    super(inner);
    this.ev = new TapiEventFields(inner.abi, inner.variant);
  }

  protected override fromInner(status: number, buffer: Uint8Array): void {
    const e = this.ev;
    if (status === NDIS_STATUS_TAPI_INDICATION && e.read(new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)) && e.msg === LINE_CALLSTATE && e.p1 === LINECALLSTATE_OFFERING) return;
    this.indicateUp(status, buffer);
  }
}
