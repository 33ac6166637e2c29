import {
  LINEMEDIAMODE_DIGITALDATA,
  LINE_NEWCALL,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  kindOfOid,
  type RequestKind,
  type StructName,
} from '../oid/index.js';
import type { ByteCounts } from '../miniport/miniport.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import { StructAccess, ViewCache } from '../miniport/struct-access.js';
import { TapiEventFields } from '../miniport/tapi-event-fields.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { CallBuffer, encodeStruct } from './call-buffer.js';

const HTLINE = 0x7e00_0000;

/**
 * The simulated miniport with the least NDISTAPI could do above it: requests handed straight to
 * `request`, and a sink that only writes an htCall into each LINE_NEWCALL. No request queue, no
 * handle maps, no exchanges, no verifier. It measures what the miniport alone costs per call
 * lifecycle, the floor under the whole stack's figure (issue 3's bench row).
 */
export class MiniportAlone {
  readonly miniport: SimulatedMiniport;
  /** Lifecycles whose requests did not all succeed. */
  failed = 0;
  private readonly counts: ByteCounts = { bytesUsed: 0, bytesNeeded: 0 };
  private readonly ev: TapiEventFields;
  private readonly views = new ViewCache();
  private nextHtCall = 0x7f00_0000;
  private nextRequestId = 1;
  private readonly accept: Request;
  private readonly answer: Request;
  private readonly close: Request;

  constructor() {
    const clock = new VirtualClock();
    const m = new SimulatedMiniport({ clock, lines: 1, callsPerAddress: 1 });
    this.miniport = m;
    this.ev = new TapiEventFields(m.abi, m.variant);
    m.attach({
      indicate: (status, buffer) => {
        if (status !== NDIS_STATUS_TAPI_INDICATION) return;
        const dv = this.views.of(buffer);
        if (this.ev.read(dv) && this.ev.msg === LINE_NEWCALL) this.ev.setParam2(dv, (this.nextHtCall += 0x10));
      },
      complete: () => undefined,
    });
    const up = (oid: number, structure: StructName, fields: Record<string, number>): Uint8Array => {
      const bytes = encodeStruct(structure, m.abi, m.variant, fields);
      if (this.send(oid, bytes) !== NDIS_STATUS_SUCCESS) throw new Error(`bench: ${structure} failed`);
      return bytes;
    };
    up(OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 0 });
    const open = up(OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 0, htLine: HTLINE });
    const hdLine = new StructAccess('NDIS_TAPI_OPEN', m.abi, m.variant).get(new DataView(open.buffer, open.byteOffset, open.byteLength), 0, 'hdLine');
    up(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine, ulMediaModes: LINEMEDIAMODE_DIGITALDATA });
    this.accept = new Request(this, OID_TAPI_ACCEPT, 'NDIS_TAPI_ACCEPT');
    this.answer = new Request(this, OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER');
    this.close = new Request(this, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL');
  }

  /** `request` on the miniport, answered at once (the miniport's default policy). */
  send(oid: number, buffer: Uint8Array, kind: RequestKind = kindOfOid(oid) ?? 'set'): number {
    return this.miniport.request(this.nextRequestId++, kind, oid, buffer, this.counts);
  }

  /** n lifecycles as the stack's loop runs them: offer, ACCEPT, ANSWER, remote hang-up, CLOSE_CALL. */
  readonly loop = (n: number): number => {
    const remote = this.miniport.remote;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const offer = remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
      if (!offer.ok) throw new Error(`bench: offer refused (${offer.reason})`);
      const a = this.accept.send(offer.hdCall);
      const b = this.answer.send(offer.hdCall);
      remote.hangUp(offer.hdCall);
      const c = this.close.send(offer.hdCall);
      if (a !== NDIS_STATUS_SUCCESS || b !== NDIS_STATUS_SUCCESS || c !== NDIS_STATUS_SUCCESS) this.failed++;
      sum += offer.htCall & 0xff;
    }
    return sum;
  };
}

/** One call request straight to the miniport, its buffer built once (CallBuffer). */
class Request {
  private readonly call: CallBuffer;
  private readonly kind: RequestKind;
  constructor(
    private readonly owner: MiniportAlone,
    private readonly oid: number,
    structure: StructName,
  ) {
    this.call = new CallBuffer(structure, owner.miniport.abi, owner.miniport.variant);
    this.kind = kindOfOid(oid) ?? 'set';
  }
  send(hdCall: number): number {
    return this.owner.send(this.oid, this.call.for(hdCall), this.kind);
  }
}
