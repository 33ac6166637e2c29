import { LINEERR_OPERATIONFAILED, NDIS_STATUS_SUCCESS, isCodecError, type StructName, type StructValue } from '../oid/index.js';
import { DEFAULT_RESERVE, type TypedResult } from '../ndistapi/ndis-tapi-client.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';

/** The size header every variable LINE_* structure starts with. */
interface SizeHeader {
  readonly ulTotalSize: number;
  readonly ulNeededSize: number;
}

/**
 * A query OID whose answer is a variable-size LINE_* structure, asked until the whole structure
 * came back: first with DEFAULT_RESERVE bytes, then, when the miniport says it needs more
 * (ulNeededSize above ulTotalSize, its variable data left out), once more with what it needs, as
 * a service provider sizes the structures it fetches for TAPI. The result is the decoded
 * request, or the LINEERR_ for the miniport's status (LINEERR_OPERATIONFAILED for an answer
 * that cannot be decoded).
 */
export async function wholeQuery<S extends StructName>(
  send: (reserve: number) => Promise<TypedResult<S>>,
  inner: (v: StructValue<S>) => SizeHeader,
): Promise<StructValue<S> | number> {
  let reserve = DEFAULT_RESERVE;
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await send(reserve);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    if (isCodecError(r.value)) return lineErr(LINEERR_OPERATIONFAILED);
    const h = inner(r.value);
    if (h.ulNeededSize <= h.ulTotalSize || attempt === 1) return r.value;
    reserve = h.ulNeededSize;
  }
  return lineErr(LINEERR_OPERATIONFAILED);
}
