import { DEFAULT_ABI, DEFAULT_VARIANT, type Abi, type LayoutVariant } from '../abi.js';
import { layoutOf, type StructLayout } from '../layout.js';
import type { StructName } from '../schema/structures.js';
import { CodecError } from './codec-error.js';
import { codecSource } from './generate-codec.js';
import * as runtime from './runtime.js';
import { badValue, readPtr64, shortBuffer, viewOf } from './runtime.js';
import type { StructInput, StructValue } from './value-types.js';

/** Encodes and decodes one structure on one ABI, between bytes in the Windows layout and typed objects. */
export interface Codec<S extends StructName> {
  readonly structure: S;
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  readonly layout: StructLayout;
  /** `sizeof` the structure: the least a buffer must hold to decode it. */
  readonly size: number;
  /**
   * Reads the structure at `offset`, with its trailing array and variable parts (copied out).
   * A short or inconsistent buffer gives a CodecError naming the member and the bytes needed.
   */
  decode(bytes: Uint8Array, offset?: number): StructValue<S> | CodecError;
  /** Bytes `encode` would produce for the value, or the CodecError it would return. */
  encodedLength(value: StructInput<S>): number | CodecError;
  /** A new buffer holding the structure, its trailing array and its variable parts. */
  encode(value: StructInput<S>): Uint8Array | CodecError;
  /** Writes into `bytes` at `offset`; returns the bytes written. Padding is written as zeros. */
  encodeInto(value: StructInput<S>, bytes: Uint8Array, offset?: number): number | CodecError;
  /** `decode` over a DataView the caller keeps (the hot paths reuse one view over a scratch buffer). */
  decodeView(view: DataView, offset?: number): StructValue<S> | CodecError;
  /** `encodeInto` over a DataView the caller keeps. */
  encodeIntoView(value: StructInput<S>, view: DataView, offset?: number): number | CodecError;
  /**
   * For hot paths that encode values they built themselves: the same bytes as
   * `encodeIntoView` for a valid value, but nothing is checked, neither the value (each member
   * must be a whole number or bigint that fits its C type, or left out) nor the span (the view
   * must hold the structure at `offset`). What it does with anything else is unspecified: it
   * may write garbage or throw. Variable-size structures take the checked path.
   */
  encodeTrustedView(value: StructInput<S>, view: DataView, offset: number): number | CodecError;
}

type DecodeFn = (bytes: Uint8Array, offset?: number) => unknown;
type DecodeViewFn = (view: DataView, offset?: number) => unknown;
type EncodeIntoFn = (v: unknown, bytes: Uint8Array, offset?: number) => number | CodecError;
type EncodeViewFn = (v: unknown, view: DataView, offset?: number) => number | CodecError;
type EncodeTrustedFn = (v: unknown, view: DataView, offset: number) => number;
type EncodeFn = (v: unknown, dv: DataView, u8: Uint8Array, o: number, cur: number, root: number, p: string) => number | CodecError;
type MeasureFn = (v: unknown, p: string) => number | CodecError;
type ShortFn = (bytes: { readonly byteLength: number }, offset: number) => CodecError;

interface Compiled {
  decode: DecodeFn;
  decodeView: DecodeViewFn;
  encodeFixed: EncodeIntoFn;
  encodeFixedView: EncodeViewFn;
  encodeTrustedView: EncodeTrustedFn;
  encode: EncodeFn;
  measure: MeasureFn;
}

const NONE = Object.freeze({});

function compile(l: StructLayout, short: ShortFn): Compiled {
  const body = `${codecSource(l.name, l.abi, l.variant)}
return { decode, decodeView, encodeFixed, encodeFixedView, encodeTrustedView, encode: E_${l.name}, measure: M_${l.name} };`;
  // The source is generated from the schema only: no user input reaches it.
  const writers = [
    runtime.writeU8, runtime.writeU16, runtime.writeU32, runtime.writeI32, runtime.writeU32OrBigint, runtime.writePtr64,
    runtime.writeU32Trusted, runtime.writePtr64Trusted,
  ];
  const factory = new Function(
    'S', 'CodecError', 'NONE', 'readPtr64', 'badValue', 'shortBuffer', 'viewOf', 'short', 'shortView', 'fail',
    'writeU8', 'writeU16', 'writeU32', 'writeI32', 'writeU32OrBigint', 'writePtr64', 'writeU32Trusted', 'writePtr64Trusted',
    body,
  ) as (...args: unknown[]) => Compiled;
  // The CodecError for a fixed-size encode that stopped at member i (i past the last member:
  // the value itself is not a structure). A nested structure is encoded again on its own to
  // find the member inside it, and its error is given the outer path.
  const fail = (i: number, v: unknown): CodecError => {
    const f = l.fields[i];
    if (f === undefined) return badValue(l.name, '', 'structure', v);
    const x = (v as Record<string, unknown>)[f.name];
    if (f.struct === undefined) return badValue(l.name, f.name, f.cType, x);
    const inner = codecFor(f.struct, l.abi, l.variant).encode(x as never);
    return inner instanceof CodecError
      ? new CodecError(l.name, inner.field === '' ? f.name : `${f.name}.${inner.field}`, inner.reason, inner.needed, inner.available, inner.message)
      : badValue(l.name, f.name, f.struct, x);
  };
  return factory(l.name, CodecError, NONE, readPtr64, badValue, shortBuffer, viewOf, short, short, fail, ...writers);
}

/** Names the first member a short buffer cuts, for the error of a decode or encode that cannot start. */
function cutMember(l: StructLayout, available: number): string {
  const cut = l.fields.find((f) => f.offset + f.size > available);
  return cut ? cut.name : (l.fields[l.fields.length - 1]?.name ?? '');
}

function shortFixed(l: StructLayout, needed: number, what: string): ShortFn {
  return (bytes, offset) => {
    const available = Number.isInteger(offset) && offset >= 0 ? Math.max(0, bytes.byteLength - offset) : 0;
    return shortBuffer(l.name, cutMember(l, available), needed, available, what);
  };
}

function createCodec<S extends StructName>(structure: S, abi: Abi, variant: LayoutVariant): Codec<S> {
  const layout = layoutOf(structure, abi, variant);
  const fns = compile(layout, shortFixed(layout, layout.size, `sizeof(${structure})`));

  /** Bytes the value needs: the fixed part and its variable data (checks the data, not the scalars). */
  const measure = (value: StructInput<S>): number | CodecError => {
    const extra = fns.measure(value, '');
    return typeof extra === 'number' ? layout.size + extra : extra;
  };

  /** Variable-size structures: measure, zero the span, then write. */
  const encodeVariable = (value: StructInput<S>, bytes: Uint8Array, offset = 0): number | CodecError => {
    const length = measure(value);
    if (typeof length !== 'number') return length;
    if (!(Number.isInteger(offset) && offset >= 0 && bytes.length - offset >= length)) {
      return shortFixed(layout, length, 'the encoded structure')(bytes, offset);
    }
    bytes.fill(0, offset, offset + length);
    const end = fns.encode(value, viewOf(bytes), bytes, offset, offset + layout.size, offset, '');
    return typeof end === 'number' ? end - offset : end;
  };

  const encodeInto = (layout.variable ? encodeVariable : fns.encodeFixed) as Codec<S>['encodeInto'];
  const encodeIntoView = (
    layout.variable
      ? (value: StructInput<S>, view: DataView, offset?: number) =>
          encodeVariable(value, new Uint8Array(view.buffer, view.byteOffset, view.byteLength), offset)
      : fns.encodeFixedView
  ) as Codec<S>['encodeIntoView'];

  return {
    structure,
    abi,
    variant,
    layout,
    size: layout.size,
    decode: fns.decode as Codec<S>['decode'],
    decodeView: fns.decodeView as Codec<S>['decodeView'],
    encodeInto,
    encodeIntoView,
    encodeTrustedView: (layout.variable ? encodeIntoView : fns.encodeTrustedView) as Codec<S>['encodeTrustedView'],
    encode(value) {
      const length = measure(value);
      if (typeof length !== 'number') return length;
      const bytes = new Uint8Array(length);
      const written = encodeInto(value, bytes, 0);
      if (typeof written !== 'number') return written;
      return written === length ? bytes : bytes.subarray(0, written);
    },
    encodedLength(value) {
      // The same checks as encode, so a value it refuses gives the same error here.
      const bytes = this.encode(value);
      return bytes instanceof CodecError ? bytes : bytes.length;
    },
  };
}

const codecs = new Map<string, Codec<StructName>>();

/** The codec of a structure for an ABI and layout variant (compiled once, then cached). */
export function codecFor<S extends StructName>(
  structure: S,
  abi: Abi = DEFAULT_ABI,
  variant: LayoutVariant = DEFAULT_VARIANT,
): Codec<S> {
  const k = `${structure}/${abi}/${variant}`;
  let c = codecs.get(k);
  if (c === undefined) {
    c = createCodec(structure, abi, variant) as unknown as Codec<StructName>;
    codecs.set(k, c);
  }
  return c as unknown as Codec<S>;
}
