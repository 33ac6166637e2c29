import type { Abi, LayoutVariant } from '../oid/index.js';
import { StructAccess } from './struct-access.js';

const TWO_32 = 4294967296;

/** A 64-bit member as a number: the low word alone when the high one is 0 (an int V8 keeps unboxed). */
function wide(dv: DataView, at: number): number {
  const hi = dv.getUint32(at + 4, true);
  const lo = dv.getUint32(at, true);
  return hi === 0 ? lo : hi * TWO_32 + lo;
}

/** The high word of a non-negative number below 2^53 (division then ToUint32 truncates, as floor does here). */
const high = (v: number): number => (v < TWO_32 ? 0 : (v / TWO_32) >>> 0);

/**
 * NDIS_TAPI_EVENT read and written in place at the schema's offsets for one ABI, without
 * allocating: `read` fills the public fields, which stay valid until the next read. Used on both
 * sides of the seam (the miniport writes events, the shim and the verifier read them). Handles
 * and parameters are each either all 8 bytes wide or all 4 (x64 WDK: both wide; x64 DDK:
 * handles wide, parameters ULONG; x86: neither), so each has one straight-line path.
 */
export class TapiEventFields {
  readonly size: number;
  htLine = 0;
  htCall = 0;
  msg = 0;
  p1 = 0;
  p2 = 0;
  p3 = 0;
  private readonly oLine: number;
  private readonly oCall: number;
  private readonly oMsg: number;
  private readonly o1: number;
  private readonly o2: number;
  private readonly o3: number;
  private readonly wideHandles: boolean;
  private readonly wideParams: boolean;
  /** Byte offsets of the padding (4-byte words), zeroed on write. */
  private readonly padding: readonly number[];

  constructor(abi: Abi, variant: LayoutVariant) {
    const a = new StructAccess('NDIS_TAPI_EVENT', abi, variant);
    this.size = a.size;
    const f = (n: string) => a.field(n);
    this.oLine = f('htLine').offset;
    this.oCall = f('htCall').offset;
    this.oMsg = f('ulMsg').offset;
    this.o1 = f('ulParam1').offset;
    this.o2 = f('ulParam2').offset;
    this.o3 = f('ulParam3').offset;
    this.wideHandles = f('htLine').size === 8;
    this.wideParams = f('ulParam1').size === 8;
    if (f('htCall').size !== f('htLine').size || f('ulParam2').size !== f('ulParam1').size || f('ulParam3').size !== f('ulParam1').size) {
      throw new Error('NDIS_TAPI_EVENT: members of one kind differ in width');
    }
    const covered = new Uint8Array(this.size);
    for (const n of ['htLine', 'htCall', 'ulMsg', 'ulParam1', 'ulParam2', 'ulParam3']) covered.fill(1, f(n).offset, f(n).offset + f(n).size);
    const padding: number[] = [];
    for (let i = 0; i < this.size; i += 4) if (covered[i] === 0) padding.push(i);
    this.padding = padding;
  }

  /** Reads the event at the start of `dv`; false when the buffer is too short to hold one. */
  read(dv: DataView): boolean {
    if (dv.byteLength < this.size) return false;
    if (this.wideHandles) {
      this.htLine = wide(dv, this.oLine);
      this.htCall = wide(dv, this.oCall);
    } else {
      this.htLine = dv.getUint32(this.oLine, true);
      this.htCall = dv.getUint32(this.oCall, true);
    }
    this.msg = dv.getUint32(this.oMsg, true);
    if (this.wideParams) {
      this.p1 = wide(dv, this.o1);
      this.p2 = wide(dv, this.o2);
      this.p3 = wide(dv, this.o3);
    } else {
      this.p1 = dv.getUint32(this.o1, true);
      this.p2 = dv.getUint32(this.o2, true);
      this.p3 = dv.getUint32(this.o3, true);
    }
    return true;
  }

  /** ulParam2 alone (for LINE_NEWCALL: the htCall NDISTAPI wrote back); 0 when too short. */
  param2(dv: DataView): number {
    if (dv.byteLength < this.size) return 0;
    return this.wideParams ? wide(dv, this.o2) : dv.getUint32(this.o2, true);
  }

  setParam2(dv: DataView, value: number): void {
    dv.setUint32(this.o2, value >>> 0, true);
    if (this.wideParams) dv.setUint32(this.o2 + 4, high(value), true);
  }

  write(dv: DataView, htLine: number, htCall: number, msg: number, p1: number, p2: number, p3: number): void {
    dv.setUint32(this.oLine, htLine >>> 0, true);
    dv.setUint32(this.oCall, htCall >>> 0, true);
    if (this.wideHandles) {
      dv.setUint32(this.oLine + 4, high(htLine), true);
      dv.setUint32(this.oCall + 4, high(htCall), true);
    }
    dv.setUint32(this.oMsg, msg >>> 0, true);
    dv.setUint32(this.o1, p1 >>> 0, true);
    dv.setUint32(this.o2, p2 >>> 0, true);
    dv.setUint32(this.o3, p3 >>> 0, true);
    if (this.wideParams) {
      dv.setUint32(this.o1 + 4, high(p1), true);
      dv.setUint32(this.o2 + 4, high(p2), true);
      dv.setUint32(this.o3 + 4, high(p3), true);
    }
    const pad = this.padding;
    for (let i = 0; i < pad.length; i++) dv.setUint32(pad[i]!, 0, true);
  }
}
