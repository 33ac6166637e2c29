/*
 * The vocabulary of the request layout table: what one 4-byte parameter slot of a TAPI32_MSG
 * holds, and small builders that keep the table readable. Every slot is a DWORD on the wire;
 * the kind says how its value is read.
 */

/** Byte offset of a parameter slot (8 to 56, a multiple of 4). */
export type SlotOffset = 8 | 12 | 16 | 20 | 24 | 28 | 32 | 36 | 40 | 44 | 48 | 52 | 56;

/** Who writes the slot: the client (`in`), the server in the reply (`out`), or both. */
export type SlotDirection = 'in' | 'out' | 'inout';

/** Plain DWORD kinds: the value is the slot. */
export type ValueKind =
  /** An object handle (hLineApp, hLine, hCall, hRemoteLine). */
  | 'handle'
  /** An opaque client value the server echoes (InitContext, OpenContext, lpContext, lphCallContext). */
  | 'context'
  /** dwRequestID of an asynchronous function. */
  | 'requestId'
  /** Any other number (device IDs, versions, bit masks, counts). */
  | 'dword';

interface SlotBase<N extends string> {
  readonly name: N;
  readonly at: SlotOffset;
  readonly dir: SlotDirection;
  /** A value the sender MUST put in the request; a receiver reports others, it does not reject them. */
  readonly sentAs?: number;
}

/** A slot whose value is the DWORD itself. */
export interface ValueSlot<N extends string = string, K extends ValueKind = ValueKind> extends SlotBase<N> {
  readonly kind: K;
}

/** VarData-relative offset of a NUL-terminated UTF-16LE string (WCHAR-aligned); TAPI_NO_DATA = none when optional. */
export interface StringSlot<N extends string = string, O extends boolean = boolean> extends SlotBase<N> {
  readonly kind: 'string';
  readonly optional: O;
}

/** VarData-relative offset of bytes (DWORD-aligned), sized by `sizeSlot`; TAPI_NO_DATA = none. */
export interface BlobSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'blob';
  readonly sizeSlot: string;
}

/** The size in bytes of the blob in `blobSlot` (written by the encoder, not part of the packet value). */
export interface BlobSizeSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'blobSize';
  readonly blobSlot: string;
}

/** VarData-relative offset of a LINECALLPARAMS (DWORD-aligned, sized by its dwTotalSize); TAPI_NO_DATA = none. */
export interface CallParamsSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'callParams';
}

/**
 * An output structure with the usual TAPI header (dwTotalSize, dwNeededSize, dwUsedSize).
 * Request: the bytes the client allocated for it. Reply (success): its VarData-relative offset.
 */
export interface OutputSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'output';
  readonly structure: string;
}

/**
 * An output of fixed size with no header (LINEEXTENSIONID). Request: TAPI_NO_DATA.
 * Reply (success): its VarData-relative offset; its size is in `sizeSlot`.
 */
export interface OutputBlobSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'outputBlob';
  readonly sizeSlot: string;
  readonly fixedSize: number;
  readonly structure: string;
}

/** Bytes of VarData the client allocated for output at VarData offset 0 (GetAsyncEvents' dwTotalBufferSize). */
export interface CapacitySlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'capacity';
}

/** Reply: bytes of output at VarData offset 0 (GetAsyncEvents' dwUsedBufferSize). */
export interface UsedBytesSlot<N extends string = string> extends SlotBase<N> {
  readonly kind: 'usedBytes';
}

/** One named parameter slot. Slots not named in a layout are padding (ReservedN). */
export type SlotSpec =
  | ValueSlot
  | StringSlot
  | BlobSlot
  | BlobSizeSlot
  | CallParamsSlot
  | OutputSlot
  | OutputBlobSlot
  | CapacitySlot
  | UsedBytesSlot;

/** The kinds whose reply value locates output data. */
export type OutputKind = 'output' | 'outputBlob' | 'usedBytes';

interface SlotOptions {
  readonly dir?: SlotDirection;
  readonly sentAs?: number;
}

function base<N extends string>(name: N, at: SlotOffset, options: SlotOptions, dir: SlotDirection): SlotBase<N> {
  const slot: { name: N; at: SlotOffset; dir: SlotDirection; sentAs?: number } = { name, at, dir: options.dir ?? dir };
  if (options.sentAs !== undefined) slot.sentAs = options.sentAs;
  return slot;
}

/** An object handle. */
export function handle<N extends string>(name: N, at: SlotOffset, options: SlotOptions = {}): ValueSlot<N, 'handle'> {
  return { kind: 'handle', ...base(name, at, options, 'in') };
}

/** An opaque context value. */
export function context<N extends string>(name: N, at: SlotOffset, options: SlotOptions = {}): ValueSlot<N, 'context'> {
  return { kind: 'context', ...base(name, at, options, 'in') };
}

/** dwRequestID: marks the function asynchronous. */
export function requestId<N extends string>(name: N, at: SlotOffset): ValueSlot<N, 'requestId'> {
  return { kind: 'requestId', ...base(name, at, {}, 'in') };
}

/** Any other number. */
export function dword<N extends string>(name: N, at: SlotOffset, options: SlotOptions = {}): ValueSlot<N, 'dword'> {
  return { kind: 'dword', ...base(name, at, options, 'in') };
}

/** A string offset; `optional` lets TAPI_NO_DATA mean "no string". */
export function string<N extends string, O extends boolean>(name: N, at: SlotOffset, optional: O): StringSlot<N, O> {
  return { kind: 'string', optional, ...base(name, at, {}, 'in') };
}

/** A blob offset and, in the slot `sizeAt`, its size: two slots. */
export function blob<N extends string, Z extends string>(name: N, at: SlotOffset, sizeName: Z, sizeAt: SlotOffset): readonly [BlobSlot<N>, BlobSizeSlot<Z>] {
  return [
    { kind: 'blob', sizeSlot: sizeName, ...base(name, at, {}, 'in') },
    { kind: 'blobSize', blobSlot: name, ...base(sizeName, sizeAt, {}, 'in') },
  ];
}

/** A LINECALLPARAMS offset. */
export function callParams<N extends string>(name: N, at: SlotOffset): CallParamsSlot<N> {
  return { kind: 'callParams', ...base(name, at, {}, 'in') };
}

/** An output structure with the TAPI size header. */
export function output<N extends string>(name: N, at: SlotOffset, structure: string): OutputSlot<N> {
  return { kind: 'output', structure, ...base(name, at, {}, 'inout') };
}

/** A fixed-size output without header, and the slot its size is returned in: two slots. */
export function outputBlob<N extends string, Z extends string>(
  name: N,
  at: SlotOffset,
  structure: string,
  fixedSize: number,
  sizeName: Z,
  sizeAt: SlotOffset,
  options: SlotOptions = {},
): readonly [OutputBlobSlot<N>, ValueSlot<Z, 'dword'>] {
  return [
    { kind: 'outputBlob', structure, fixedSize, sizeSlot: sizeName, ...base(name, at, options, 'out') },
    { kind: 'dword', ...base(sizeName, sizeAt, {}, 'out') },
  ];
}

/** Output space at VarData offset 0. */
export function capacity<N extends string>(name: N, at: SlotOffset): CapacitySlot<N> {
  return { kind: 'capacity', ...base(name, at, {}, 'in') };
}

/** Bytes of output returned at VarData offset 0. */
export function usedBytes<N extends string>(name: N, at: SlotOffset): UsedBytesSlot<N> {
  return { kind: 'usedBytes', ...base(name, at, {}, 'out') };
}
