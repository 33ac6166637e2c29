import type { Abi, LayoutVariant } from '../oid/index.js';
import { StructAccess, readScalar, writeScalar } from './struct-access.js';

interface Slot {
  readonly o: number;
  readonly n: number;
}

/**
 * NDIS_TAPI_EVENT read and written in place at the schema's offsets for one ABI, without
 * allocating: `read` fills the public fields, which stay valid until the next read. Used on both
 * sides of the seam (the miniport writes events, the shim and the verifier read them).
 */
export class TapiEventFields {
  readonly size: number;
  htLine = 0;
  htCall = 0;
  msg = 0;
  p1 = 0;
  p2 = 0;
  p3 = 0;
  private readonly s: { htLine: Slot; htCall: Slot; msg: Slot; p1: Slot; p2: Slot; p3: Slot };

  constructor(abi: Abi, variant: LayoutVariant) {
    const a = new StructAccess('NDIS_TAPI_EVENT', abi, variant);
    const slot = (name: string): Slot => {
      const f = a.field(name);
      return { o: f.offset, n: f.size };
    };
    this.size = a.size;
    this.s = { htLine: slot('htLine'), htCall: slot('htCall'), msg: slot('ulMsg'), p1: slot('ulParam1'), p2: slot('ulParam2'), p3: slot('ulParam3') };
  }

  /** Reads the event at the start of `dv`; false when the buffer is too short to hold one. */
  read(dv: DataView): boolean {
    if (dv.byteLength < this.size) return false;
    const s = this.s;
    this.htLine = readScalar(dv, s.htLine.o, s.htLine.n);
    this.htCall = readScalar(dv, s.htCall.o, s.htCall.n);
    this.msg = dv.getUint32(s.msg.o, true);
    this.p1 = readScalar(dv, s.p1.o, s.p1.n);
    this.p2 = readScalar(dv, s.p2.o, s.p2.n);
    this.p3 = readScalar(dv, s.p3.o, s.p3.n);
    return true;
  }

  /** ulParam2 alone (for LINE_NEWCALL: the htCall NDISTAPI wrote back); 0 when too short. */
  param2(dv: DataView): number {
    const p = this.s.p2;
    return dv.byteLength < p.o + p.n ? 0 : readScalar(dv, p.o, p.n);
  }

  setParam2(dv: DataView, value: number): void {
    writeScalar(dv, this.s.p2.o, this.s.p2.n, value);
  }

  write(dv: DataView, htLine: number, htCall: number, msg: number, p1: number, p2: number, p3: number): void {
    const s = this.s;
    writeScalar(dv, s.htLine.o, s.htLine.n, htLine);
    writeScalar(dv, s.htCall.o, s.htCall.n, htCall);
    dv.setUint32(s.msg.o, msg, true);
    writeScalar(dv, s.p1.o, s.p1.n, p1);
    writeScalar(dv, s.p2.o, s.p2.n, p2);
    writeScalar(dv, s.p3.o, s.p3.n, p3);
  }
}
