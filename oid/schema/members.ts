import type { ByteCType, CTypeName } from './c-types.js';

/*
 * Small constructors that let a structure read like its C declaration:
 * `m('ULONG', 'ulRequestID')` is `ULONG ulRequestID;`. The const type parameters keep
 * the literal names, so the TypeScript value types are derived from the same schema.
 */

/** `TYPE name;` */
export function m<const T extends CTypeName, const N extends string>(type: T, name: N): { readonly type: T; readonly name: N } {
  return { type, name };
}

/** A member that is `ULONG_PTR` in the WDK but `ULONG` in the DDK / mingw-w64 headers. */
export function widened<const N extends string>(name: N): { readonly type: 'ULONG_PTR'; readonly ddkType: 'ULONG'; readonly name: N } {
  return { type: 'ULONG_PTR', ddkType: 'ULONG', name };
}

/** `STRUCT name;` */
export function s<const S extends string, const N extends string>(struct: S, name: N): { readonly struct: S; readonly name: N } {
  return { struct, name };
}

/** `UCHAR name[1];`, really `sizeField` bytes long. */
export function bytes<const T extends ByteCType, const N extends string, const Z extends string>(
  type: T,
  name: N,
  sizeField: Z,
): { readonly type: T; readonly name: N; readonly trailing: Z } {
  return { type, name, trailing: sizeField };
}

/** `STRUCT name[1];`, really `countField` elements long. */
export function structs<const S extends string, const N extends string, const Z extends string>(
  struct: S,
  name: N,
  countField: Z,
): { readonly struct: S; readonly name: N; readonly trailing: Z } {
  return { struct, name, trailing: countField };
}

/** `ULONG a; ULONG b; ...`, in order: for the LINE_* structures, which hold nothing else. */
export function ulongs<const N extends readonly string[]>(...names: N): { readonly [K in keyof N]: { readonly type: 'ULONG'; readonly name: N[K] } } {
  return names.map((name) => ({ type: 'ULONG', name })) as unknown as { readonly [K in keyof N]: { readonly type: 'ULONG'; readonly name: N[K] } };
}
