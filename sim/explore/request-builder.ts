import { codecFor, isCodecError, kindOfOid, layoutOf, structureOfOid, type Abi, type LayoutVariant } from '../../oid/index.js';

/** Bytes reserved for a variable-size OUT structure, as a scenario's `request` step does by default. */
export const RESERVE = 1024;

/**
 * A request's information buffer, built as a scenario's `request` step builds it (the OID's
 * structure from its codec, `RESERVE` bytes for a variable-size OUT structure of a query), so
 * a scenario written from an exploration sends the same bytes; cut to `length` when given.
 */
export function requestBuffer(abi: Abi, variant: LayoutVariant, oid: number, value: Record<string, unknown>, length?: number): Uint8Array {
  const structure = structureOfOid(oid);
  if (structure === undefined) throw new RangeError(`no structure for OID 0x${oid.toString(16)}`);
  const layout = layoutOf(structure, abi, variant);
  const out = layout.fields.find((f) => f.kind === 'struct' && layoutOf(f.struct!, abi, variant).fields.some((g) => g.name === 'ulTotalSize'));
  let total = 0;
  const v: Record<string, unknown> = { ...value };
  if (out !== undefined && kindOfOid(oid) === 'query') {
    v[out.name] = { ...((v[out.name] as Record<string, unknown> | undefined) ?? {}), ulTotalSize: RESERVE };
    total = out.offset + RESERVE;
  }
  const encoded = codecFor(structure, abi, variant).encode(v as never);
  if (isCodecError(encoded)) throw new RangeError(`${structure}: ${encoded.message}`);
  const buffer = new Uint8Array(Math.max(encoded.length, total));
  buffer.set(encoded);
  return length === undefined ? buffer : buffer.slice(0, length);
}

/** The short length a generated short-buffer request is cut to: half the structure. */
export function shortLength(abi: Abi, variant: LayoutVariant, oid: number): number {
  const structure = structureOfOid(oid);
  return structure === undefined ? 0 : layoutOf(structure, abi, variant).size >> 1;
}
