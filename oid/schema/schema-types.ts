import type { ByteCType, CTypeName } from './c-types.js';

/** The header a structure is declared in (relative to the mingw-w64 include directory). */
export type HeaderName = 'ddk/ndistapi.h' | 'ddk/ndiswan.h';

/** A scalar member. `ddkType` is the member's type in the older DDK / mingw-w64 headers, where it differs. */
export interface ScalarFieldDef {
  readonly name: string;
  readonly type: CTypeName;
  readonly ddkType?: CTypeName;
}

/** A member that is itself a structure (LINE_CALL_PARAMS inside NDIS_TAPI_MAKE_CALL, ...). */
export interface StructFieldDef {
  readonly name: string;
  readonly struct: string;
}

/**
 * A trailing `X[1]` byte array whose real length is in another member
 * (`UCHAR UserUserInfo[1]` sized by `ulUserUserInfoSize`).
 */
export interface ByteArrayFieldDef {
  readonly name: string;
  readonly type: ByteCType;
  readonly trailing: string;
}

/** A trailing `X[1]` array of structures whose real count is in another member. */
export interface StructArrayFieldDef {
  readonly name: string;
  readonly struct: string;
  readonly trailing: string;
}

export type FieldDef = ScalarFieldDef | StructFieldDef | ByteArrayFieldDef | StructArrayFieldDef;

/**
 * One C structure, members in declaration order, exactly as the header names them.
 * Variable data located by `ulXxxSize` / `ulXxxOffset` member pairs is found from the
 * member names (TAPI's convention); offsets are relative to the start of the structure
 * that holds the pair.
 */
export interface StructDef {
  readonly header: HeaderName;
  readonly fields: readonly FieldDef[];
}

export function isStructField(f: FieldDef): f is StructFieldDef | StructArrayFieldDef {
  return 'struct' in f;
}

export function isTrailingField(f: FieldDef): f is ByteArrayFieldDef | StructArrayFieldDef {
  return 'trailing' in f;
}
