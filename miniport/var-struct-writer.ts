import {
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_STRUCTURETOOSMALL,
  codecFor,
  isCodecError,
  type Abi,
  type LayoutVariant,
  type StructInput,
  type StructName,
} from '../oid/index.js';
import type { RequestContext } from './oids/request-context.js';

/**
 * Fills a TAPI variable-size structure (LINE_DEV_CAPS, LINE_CALL_INFO, VAR_STRING, ...) that a
 * query reserved at `at` in its buffer, by TAPI's convention: the caller sets ulTotalSize; the
 * fixed part is always filled; the variable data only when all of it fits, else its sizes are
 * left 0 and ulNeededSize tells the caller how much to reserve next time. ulUsedSize is what
 * was written. A ulTotalSize below the fixed part is NDIS_STATUS_TAPI_STRUCTURETOOSMALL; one
 * that runs past the information buffer is NDIS_STATUS_INVALID_LENGTH with the bytes needed.
 * Sets BytesWritten to the end of what was written.
 */
export function fillVarStruct<S extends StructName>(
  r: RequestContext,
  structure: S,
  abi: Abi,
  variant: LayoutVariant,
  at: number,
  value: StructInput<S>,
): number {
  const codec = codecFor(structure, abi, variant);
  const total = r.dv.getUint32(at, true);
  if (total < codec.size) {
    r.counts.bytesNeeded = at + codec.size;
    return NDIS_STATUS_TAPI_STRUCTURETOOSMALL;
  }
  // tooShort answers INVALID_DATA when even BytesNeeded (a ULONG) cannot say how much.
  if (at + total > r.bytes.length) return r.tooShort(at + total);
  const needed = codec.encodedLength(value);
  if (isCodecError(needed)) return NDIS_STATUS_FAILURE;
  const fits = needed <= total;
  let v = { ...value, ulTotalSize: total, ulNeededSize: needed, ulUsedSize: fits ? needed : codec.size } as Record<string, unknown>;
  if (!fits) {
    v = { ...v };
    for (const part of codec.layout.varParts) delete v[part.name];
  }
  const written = codec.encodeInto(v as StructInput<S>, r.bytes, at);
  if (isCodecError(written)) return NDIS_STATUS_FAILURE;
  r.counts.bytesUsed = at + written;
  return NDIS_STATUS_SUCCESS;
}
