import * as oid from '../oid/index.js';
import { NDIS_STATUS_SUCCESS, nameOf } from '../oid/index.js';

/** A LINEERR_ value as TAPI functions return it: a negative LONG. */
export const lineErr = (unsigned: number): number => unsigned | 0;

/** Whether a function result is an error (negative). */
export const isLineErr = (v: number): boolean => v < 0;

const byName = oid as unknown as Readonly<Record<string, number | undefined>>;

/**
 * The LINEERR_ an application sees for a miniport's NDIS_STATUS (ndis-tapi.md §3.4): success is 0,
 * NDIS_STATUS_TAPI_X is LINEERR_X by name (the names line up one for one), anything else
 * LINEERR_OPERATIONFAILED. The reference marks the mapping as undocumented; this is its reading.
 */
export function lineErrOfStatus(status: number): number {
  if (status === NDIS_STATUS_SUCCESS) return 0;
  const name = nameOf('NDIS_STATUS', status >>> 0);
  if (name.startsWith('NDIS_STATUS_TAPI_')) {
    const v = byName[`LINEERR_${name.slice('NDIS_STATUS_TAPI_'.length)}`];
    if (typeof v === 'number') return lineErr(v);
  }
  return lineErr(oid.LINEERR_OPERATIONFAILED);
}
