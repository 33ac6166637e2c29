/**
 * The C types that appear in the structures of ndistapi.h and ndiswan.h, and the
 * machine representation each has on the Windows ABIs (LLP64 on x64: ULONG stays 4 bytes).
 */
/** `u64`: a 64-bit integer on both ABIs (LARGE_INTEGER), 8-aligned as MSVC lays it out. */
export type Primitive = 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'ptr';

export const C_TYPES = {
  UCHAR: 'u8',
  CHAR: 'u8',
  BOOLEAN: 'u8',
  USHORT: 'u16',
  ULONG: 'u32',
  UINT: 'u32',
  LONG: 'i32',
  NDIS_WAN_QUALITY: 'u32',
  NDIS_PHYSICAL_ADDRESS: 'u64',
  ULONG_PTR: 'ptr',
  NDIS_HANDLE: 'ptr',
  HTAPI_LINE: 'ptr',
  HDRV_LINE: 'ptr',
  HTAPI_CALL: 'ptr',
  HDRV_CALL: 'ptr',
} as const satisfies Record<string, Primitive>;

export type CTypeName = keyof typeof C_TYPES;

/** C types whose trailing `X[1]` arrays hold raw bytes. */
export type ByteCType = 'UCHAR' | 'CHAR';
