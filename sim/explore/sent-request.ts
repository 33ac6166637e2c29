import {
  OID_TAPI_PROVIDER_INITIALIZE,
  layoutOf,
  structureOfOid,
  type Abi,
  type LayoutVariant,
  type RequestKind,
  type StructName,
} from '../../oid/index.js';
import { StructAccess } from '../../miniport/struct-access.js';

/** A request as it was sent: the IN members the reference model needs, read before the miniport saw it. */
export interface SentRequest {
  readonly requestId: number;
  readonly kind: RequestKind;
  readonly oid: number;
  readonly seq: number;
  readonly time: number;
  readonly length: number;
  /** Whether the buffer holds the whole structure (below the least size: NDIS_STATUS_INVALID_LENGTH). */
  readonly whole: boolean;
  /** The structure's size: what BytesNeeded must say for a short buffer. */
  readonly size: number;
  /** IN members by name (those of the structure that are scalars), read when whole. */
  readonly fields: Readonly<Record<string, number>>;
}

const IN_MEMBERS = ['hdCall', 'hdLine', 'htLine', 'htCall', 'ulDeviceID', 'ulDeviceIDBase', 'ulMediaModes', 'ulDestAddressSize', 'ulAppSpecific'];

/** Reads requests into SentRequests, with the member access of each structure built once. */
export class RequestReader {
  private readonly access = new Map<number, { readonly a: StructAccess; readonly least: number; readonly members: readonly string[] } | null>();

  constructor(
    private readonly abi: Abi,
    private readonly variant: LayoutVariant,
  ) {}

  read(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, seq: number, time: number): SentRequest {
    const s = this.of(oid);
    if (s === null) return { requestId, kind, oid, seq, time, length: buffer.length, whole: true, size: 0, fields: {} };
    const whole = buffer.length >= s.least;
    const fields: Record<string, number> = {};
    if (buffer.length >= s.a.size) {
      const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      for (const m of s.members) fields[m] = s.a.get(dv, 0, m);
    }
    return { requestId, kind, oid, seq, time, length: buffer.length, whole, size: s.a.size, fields };
  }

  private of(oid: number): { readonly a: StructAccess; readonly least: number; readonly members: readonly string[] } | null {
    let s = this.access.get(oid);
    if (s === undefined) {
      const structure: StructName | undefined = structureOfOid(oid);
      if (structure === undefined) {
        s = null;
      } else {
        const layout = layoutOf(structure, this.abi, this.variant);
        // PROVIDER_INITIALIZE takes the DDK layout too (ulProviderID is a ULONG there, ndis-tapi.md §11).
        const least = oid === OID_TAPI_PROVIDER_INITIALIZE ? layoutOf(structure, this.abi, 'ddk').size : layout.size;
        const members = IN_MEMBERS.filter((m) => layout.fields.some((f) => f.name === m && f.kind === 'scalar'));
        s = { a: new StructAccess(structure, this.abi, this.variant), least, members };
      }
      this.access.set(oid, s);
    }
    return s;
  }
}
