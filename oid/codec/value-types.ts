import type { Ptr } from '../abi.js';
import type { C_TYPES } from '../schema/c-types.js';
import type { StructName, Structures } from '../schema/structures.js';

/*
 * TypeScript value types derived from the schema itself, so a structure's typed object
 * can never drift from its layout. Scalars are numbers (unsigned, as the C type), pointer-
 * sized members are `Ptr`, nested structures are objects, trailing `X[1]` arrays and the
 * data located by `ulXxxSize`/`ulXxxOffset` pairs are byte arrays named `Xxx`.
 */

type Fields<S extends StructName> = Structures[S]['fields'][number];
type FieldName<S extends StructName> = Fields<S>['name'];

type ScalarValue<T> = T extends keyof typeof C_TYPES ? ((typeof C_TYPES)[T] extends 'ptr' | 'u64' ? Ptr : number) : never;

/** Names `Xxx` of the `ulXxxSize` / `ulXxxOffset` pairs among the member names `N`. */
export type VarPartName<N extends string> = {
  [K in N]: K extends `ul${infer X}Size` ? (`ul${X}Offset` extends N ? X : never) : never;
}[N];

type FieldValue<F> = F extends { readonly struct: infer S extends StructName; readonly trailing: string }
  ? StructValue<S>[]
  : F extends { readonly struct: infer S extends StructName }
    ? StructValue<S>
    : F extends { readonly trailing: string }
      ? Uint8Array
      : F extends { readonly type: infer T }
        ? ScalarValue<T>
        : never;

type FieldInput<F> = F extends { readonly struct: infer S extends StructName; readonly trailing: string }
  ? StructInput<S>[]
  : F extends { readonly struct: infer S extends StructName }
    ? StructInput<S>
    : F extends { readonly trailing: string }
      ? Uint8Array
      : F extends { readonly type: infer T }
        ? ScalarValue<T>
        : never;

/** A decoded structure: every member, plus its variable parts. */
export type StructValue<S extends StructName> = {
  [F in Fields<S> as F['name']]: FieldValue<F>;
} & { [P in VarPartName<FieldName<S>>]: Uint8Array };

/**
 * What an encoder takes: any member may be left out. A left-out scalar is 0, except the
 * ones derived from the data given: a trailing array's size or count member, each
 * `ulXxxSize`/`ulXxxOffset` of a variable part, and ulTotalSize/ulNeededSize/ulUsedSize.
 */
export type StructInput<S extends StructName> = {
  [F in Fields<S> as F['name']]?: FieldInput<F>;
} & { [P in VarPartName<FieldName<S>>]?: Uint8Array };
