import { layoutOf, type Abi, type LayoutVariant, type StructName } from '../oid/index.js';

/**
 * Reads and writes single scalar members of a structure in place, at the offsets the schema
 * computes for an ABI: what a miniport does with the IN and OUT members of a request buffer,
 * without decoding the rest (a query's OUT members are garbage on the way in). Pointer-sized
 * members are read as numbers, exact below 2^53 (every handle the simulated miniport and the
 * shim hand out); the full-width codecs in oid/ serve anyone who needs more.
 */
export class StructAccess {
  /** member -> where it sits; a null-prototype object, which V8 keeps in fast mode for these few keys. */
  private readonly at: Record<string, Member | undefined> = Object.create(null);
  readonly size: number;
  /** The call handle member (hdCall), where the structure has one: most call OIDs name a call by it. */
  readonly hdCall: Member | undefined;

  constructor(
    readonly structure: StructName,
    abi: Abi,
    variant: LayoutVariant,
  ) {
    const layout = layoutOf(structure, abi, variant);
    this.size = layout.size;
    for (const f of layout.fields) {
      this.at[f.name] = new Member(f.offset, f.size, layout.size);
    }
    this.hdCall = this.at['hdCall'];
  }

  /** A member, looked up once, for hot paths that read or write it on every request. */
  member(name: string): Member {
    const f = this.at[name];
    if (f === undefined) throw new Error(`${this.structure} has no member ${name}`);
    return f;
  }

  /** Byte offset of a member (a scalar, a nested structure or a trailing array). */
  offset(member: string): number {
    return this.field(member).offset;
  }

  /** Whether the structure has a member of that name. */
  has(member: string): boolean {
    return this.at[member] !== undefined;
  }

  /** Where a member sits and how many bytes it takes. */
  field(member: string): { readonly offset: number; readonly size: number } {
    const f = this.at[member];
    if (f === undefined) throw new Error(`${this.structure} has no member ${member}`);
    return f;
  }

  get(dv: DataView, base: number, member: string): number {
    const f = this.at[member];
    if (f === undefined) throw new Error(`${this.structure} has no member ${member}`);
    return readScalar(dv, base + f.offset, f.size);
  }

  set(dv: DataView, base: number, member: string, value: number): void {
    const f = this.at[member];
    if (f === undefined) throw new Error(`${this.structure} has no member ${member}`);
    writeScalar(dv, base + f.offset, f.size, value);
  }
}

const TWO_32 = 4294967296;

/** One scalar member of a structure at its offset for an ABI: read and written without a name lookup. */
export class Member {
  constructor(
    readonly offset: number,
    readonly size: number,
    /** The size of the whole structure the member belongs to. */
    readonly structSize: number,
  ) {}

  get(dv: DataView, base = 0): number {
    return readScalar(dv, base + this.offset, this.size);
  }

  set(dv: DataView, value: number, base = 0): void {
    writeScalar(dv, base + this.offset, this.size, value);
  }
}

export function readScalar(dv: DataView, at: number, size: number): number {
  switch (size) {
    case 1:
      return dv.getUint8(at);
    case 2:
      return dv.getUint16(at, true);
    case 4:
      return dv.getUint32(at, true);
    default:
      return dv.getUint32(at + 4, true) * TWO_32 + dv.getUint32(at, true);
  }
}

export function writeScalar(dv: DataView, at: number, size: number, value: number): void {
  switch (size) {
    case 1:
      dv.setUint8(at, value);
      return;
    case 2:
      dv.setUint16(at, value, true);
      return;
    case 4:
      dv.setUint32(at, value >>> 0, true);
      return;
    default:
      dv.setUint32(at, value >>> 0, true);
      dv.setUint32(at + 4, Math.floor(value / TWO_32) >>> 0, true);
  }
}

/**
 * DataViews over byte arrays, reused while the same arrays come back: the miniport indicates
 * from a few scratch buffers and callers reuse request buffers, so a handful of entries hit
 * almost always. One cache per consumer.
 */
export class ViewCache {
  private readonly keys: Array<Uint8Array | undefined> = [undefined, undefined, undefined, undefined];
  private readonly views: Array<DataView | undefined> = [undefined, undefined, undefined, undefined];
  private next = 0;

  of(bytes: Uint8Array): DataView {
    const k = this.keys;
    for (let i = 0; i < 4; i++) if (k[i] === bytes) return this.views[i]!;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = this.next;
    k[at] = bytes;
    this.views[at] = v;
    this.next = (at + 1) & 3;
    return v;
  }
}

/** StructAccess for every structure of one ABI, each built once on first use. */
export class StructAccesses {
  private readonly built = new Map<StructName, StructAccess>();

  constructor(
    readonly abi: Abi,
    readonly variant: LayoutVariant,
  ) {}

  of(structure: StructName): StructAccess {
    let a = this.built.get(structure);
    if (a === undefined) {
      a = new StructAccess(structure, this.abi, this.variant);
      this.built.set(structure, a);
    }
    return a;
  }
}
