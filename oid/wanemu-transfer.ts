/**
 * wanemu's call transfer over OID_TAPI_DEV_SPECIFIC (docs/dev-specific.md): not a Windows
 * definition but wanemu's own, since NDISTAPI has no OID for lineBlindTransfer or lineRedirect.
 * NDIS_TAPI_DEV_SPECIFIC.Params holds the tag, the operation and the destination (ASCIIZ).
 */

/** "WXFR" read as a little-endian u32: the tag of a transfer request in Params. */
export const WANEMU_TRANSFER_TAG = 0x5246_5857;
/** Params operation: blind transfer of a connected call. */
export const WANEMU_BLIND_TRANSFER = 1;
/** Params operation: redirect of an offered call. */
export const WANEMU_REDIRECT = 2;
