import { codecFor, isCodecError, type Abi, type LayoutVariant, type StructName } from '../oid/index.js';
import { StructAccess, type Member } from '../miniport/struct-access.js';

/** A structure encoded by its codec from `fields` (the rest zero); a codec error is a bench bug and throws. */
export function encodeStruct(structure: StructName, abi: Abi, variant: LayoutVariant, fields: Record<string, number> = {}): Uint8Array {
  const bytes = codecFor(structure, abi, variant).encode(fields);
  if (isCodecError(bytes)) throw new Error(bytes.toString());
  return bytes;
}

/** A call request's buffer, built once by its codec; `for` patches hdCall in place for each request. */
export class CallBuffer {
  private readonly buffer: Uint8Array;
  private readonly dv: DataView;
  private readonly hdCall: Member;

  constructor(structure: StructName, abi: Abi, variant: LayoutVariant) {
    this.buffer = encodeStruct(structure, abi, variant);
    this.dv = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.hdCall = new StructAccess(structure, abi, variant).member('hdCall');
  }

  /** The buffer, naming the call `hdCall`. */
  for(hdCall: number): Uint8Array {
    this.hdCall.set(this.dv, hdCall);
    return this.buffer;
  }
}
