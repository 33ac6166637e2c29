import { NDIS_STATUS_INVALID_DATA, NDIS_STATUS_INVALID_LENGTH, type StructName } from '../../oid/index.js';
import type { ByteCounts } from '../miniport.js';
import type { SimCore } from '../sim-core.js';
import { StructAccess } from '../struct-access.js';
import type { SimCall } from '../sim-call.js';

/** One request as a handler sees it: the information buffer, a view over it, and its byte counts. */
export class RequestContext {
  constructor(
    public bytes: Uint8Array,
    public dv: DataView,
    public counts: ByteCounts,
  ) {}

  /** Points the context at another request (a miniport reuses one for synchronous requests). */
  reset(bytes: Uint8Array, dv: DataView, counts: ByteCounts): this {
    this.bytes = bytes;
    this.dv = dv;
    this.counts = counts;
    return this;
  }

  /**
   * NDIS_STATUS_INVALID_LENGTH with the bytes the buffer should have held; when no buffer could
   * (an offset and size past 4 GB, which BytesNeeded, a ULONG, cannot even say), the request is
   * malformed: NDIS_STATUS_INVALID_DATA.
   */
  tooShort(needed: number): number {
    this.counts.bytesUsed = 0;
    if (needed > 0xffff_ffff) {
      this.counts.bytesNeeded = 0;
      return NDIS_STATUS_INVALID_DATA;
    }
    this.counts.bytesNeeded = needed;
    return NDIS_STATUS_INVALID_LENGTH;
  }

  /**
   * The bytes of a string the request locates by offset and size (relative to `base`), up to
   * its first NUL; undefined when they lie outside the buffer.
   */
  stringAt(base: number, offset: number, size: number): string | undefined {
    const start = base + offset;
    if (size === 0) return '';
    if (!(start >= 0 && start + size <= this.bytes.length)) return undefined;
    let end = start;
    while (end < start + size && this.bytes[end] !== 0) end++;
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(this.bytes[i]!);
    return s;
  }
}

/** Whether every bit of `bits` is in `of` (a mode the line supports, a state it reports). */
export const isSubset = (bits: number, of: number): boolean => ((bits >>> 0) & ~of) === 0;

/** Exactly one bit set. */
export const oneBit = (x: number): boolean => x !== 0 && (x & (x - 1)) === 0;

/** The call a request's hdCall names, if the miniport holds it. */
export function callOf(core: SimCore, r: RequestContext, a: StructAccess): SimCall | undefined {
  const m = a.hdCall;
  return m === undefined ? undefined : core.calls.get(m.get(r.dv));
}

/** A handler does the work of one OID and returns its NDIS_STATUS (never PENDING, never throws). */
export type OidHandler = (core: SimCore, r: RequestContext, a: StructAccess) => number;

/** How the simulated miniport serves one OID. */
export interface OidEntry {
  readonly oid: number;
  readonly kind: 'query' | 'set';
  readonly structure: StructName;
  readonly handler: OidHandler;
  /** The layout variant whose size is the least buffer taken, where it differs from the miniport's. */
  readonly minimum?: 'ddk';
}
