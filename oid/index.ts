/**
 * wanemu/oid: the byte-exact contract between NDISTAPI and a WAN miniport.
 * Constants named as in the Windows headers, value-to-name lookup, and one declarative
 * schema from which both ABIs' layouts and the codecs are derived.
 */
export * from './constants/oid-codes.js';
export * from './constants/ndis-status.js';
export * from './constants/ndis-status-tapi.js';
export * from './constants/line-messages.js';
export * from './constants/line-flags.js';
export * from './constants/line-errors.js';
export * from './constants/wan-framing.js';
export { FAMILIES, constants, type ConstantFamily, type FamilyName } from './constants/families.js';
export { nameOf, valueOf } from './constants/names.js';

export { ABIS, DEFAULT_ABI, DEFAULT_VARIANT, LAYOUT_VARIANTS, pointerSize, type Abi, type LayoutVariant, type Ptr } from './abi.js';
export { C_TYPES, type CTypeName, type Primitive } from './schema/c-types.js';
export type { FieldDef, HeaderName, StructDef } from './schema/schema-types.js';
export { STRUCTURES, STRUCT_NAMES, isStructName, type StructName, type Structures } from './schema/structures.js';
export { layoutOf, type FieldLayout, type StructLayout, type VarPart } from './layout.js';
export { layouts, variantLayouts, type LayoutEntry, type LayoutTable } from './layouts.js';

export { codecFor, type Codec } from './codec/codec.js';
export { CodecError, isCodecError, type CodecErrorReason } from './codec/codec-error.js';
export type { StructInput, StructValue, VarPartName } from './codec/value-types.js';
export { TAPI_OIDS, kindOfOid, structureOfOid, tapiOidInfo, type RequestKind, type Requirement, type TapiOidInfo } from './oid-requests.js';
export { asciiz } from './tapi-string.js';
export { WANEMU_BLIND_TRANSFER, WANEMU_REDIRECT, WANEMU_TRANSFER_TAG } from './wanemu-transfer.js';
