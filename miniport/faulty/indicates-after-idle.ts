import {
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINEDISCONNECTMODE_NORMAL,
  LINE_CALLSTATE,
  NDIS_STATUS_TAPI_INDICATION,
} from '../../oid/index.js';
import { TapiEventFields } from '../tapi-event-fields.js';
import type { ScriptableMiniport } from '../scriptable-miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Reports the network's late disconnect confirmation after the call went IDLE: right after
 * LINE_CALLSTATE IDLE it indicates LINE_CALLSTATE DISCONNECTED for the same call, although IDLE
 * is final (ndis-tapi.md §7.6).
 */
export class IndicatesAfterIdle extends FaultyMiniport {
  private readonly ev: TapiEventFields;

  constructor(inner: ScriptableMiniport) {
    super(inner);
    this.ev = new TapiEventFields(inner.abi, inner.variant);
  }

  protected override fromInner(status: number, buffer: Uint8Array): void {
    this.indicateUp(status, buffer);
    const e = this.ev;
    if (status !== NDIS_STATUS_TAPI_INDICATION || !e.read(new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength))) return;
    if (e.msg !== LINE_CALLSTATE || e.p1 !== LINECALLSTATE_IDLE) return;
    const late = new Uint8Array(buffer.length);
    e.write(new DataView(late.buffer), e.htLine, e.htCall, LINE_CALLSTATE, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL, e.p3);
    this.indicateUp(NDIS_STATUS_TAPI_INDICATION, late);
  }
}
