import { pointerSize, type Abi, type LayoutVariant } from './abi.js';
import { C_TYPES, type CTypeName, type Primitive } from './schema/c-types.js';
import { isStructField, isTrailingField, type FieldDef } from './schema/schema-types.js';
import { STRUCTURES, type StructName } from './schema/structures.js';

/** Where one member sits. */
export interface FieldLayout {
  readonly name: string;
  readonly offset: number;
  /** Bytes the member takes in the fixed part (one element for a trailing `X[1]`). */
  readonly size: number;
  readonly align: number;
  /** The member's C type name, or the structure name for a structure member. */
  readonly cType: string;
  readonly kind: 'scalar' | 'struct' | 'bytes' | 'structs';
  /** Machine representation, for scalars and byte arrays. */
  readonly primitive?: Primitive;
  /**
   * The TypeScript value of a scalar: `ptr` (number or bigint) for members pointer-sized in
   * the WDK declaration, even where the `ddk` variant lays them out as a ULONG, and for 64-bit
   * members.
   */
  readonly valueType?: 'number' | 'ptr';
  /** The nested structure, for struct members and trailing struct arrays. */
  readonly struct?: StructName;
  /** For trailing `X[1]` arrays: the member holding the real size (bytes) or count (elements). */
  readonly lengthField?: string;
}

/** Variable data located by a `ulXxxSize` / `ulXxxOffset` pair, offset relative to the structure. */
export interface VarPart {
  readonly name: string;
  readonly sizeField: string;
  readonly offsetField: string;
}

export interface StructLayout {
  readonly name: StructName;
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  /** `sizeof`: the fixed part rounded up to the alignment. */
  readonly size: number;
  readonly align: number;
  readonly fields: readonly FieldLayout[];
  readonly offsets: Readonly<Record<string, number>>;
  readonly varParts: readonly VarPart[];
  /** The trailing `X[1]` member, if the structure ends in one. */
  readonly trailing: FieldLayout | undefined;
  /** True when this structure or one nested in it carries data beyond its fixed part. */
  readonly variable: boolean;
}

const PRIMITIVE_SIZE: Record<Exclude<Primitive, 'ptr'>, number> = { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8 };

function primitiveSize(p: Primitive, abi: Abi): number {
  return p === 'ptr' ? pointerSize(abi) : PRIMITIVE_SIZE[p];
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function scalarType(f: FieldDef, variant: LayoutVariant): CTypeName {
  if (isStructField(f)) throw new Error(`${f.name} is a structure member`);
  return variant === 'ddk' && 'ddkType' in f && f.ddkType !== undefined ? f.ddkType : f.type;
}

/** Pairs `ulXxxSize` + `ulXxxOffset` among the members, in declaration order. */
function findVarParts(fields: readonly FieldDef[]): VarPart[] {
  const names = new Set(fields.map((f) => f.name));
  const parts: VarPart[] = [];
  for (const f of fields) {
    const match = /^ul(.+)Size$/.exec(f.name);
    if (match && names.has(`ul${match[1]}Offset`)) {
      parts.push({ name: match[1]!, sizeField: f.name, offsetField: `ul${match[1]}Offset` });
    }
  }
  return parts;
}

const cache = new Map<string, StructLayout>();

/**
 * The layout of a structure on an ABI, computed from the schema with natural alignment
 * (every member aligned to its own size, the structure padded to its largest alignment),
 * as MSVC's default packing and the mingw-w64 compilers lay them out.
 */
export function layoutOf(name: StructName, abi: Abi, variant: LayoutVariant = 'wdk'): StructLayout {
  const key = `${name}/${abi}/${variant}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const def = STRUCTURES[name];
  let cursor = 0;
  let maxAlign = 1;
  let variable = false;
  const fields: FieldLayout[] = [];
  for (const f of def.fields as readonly FieldDef[]) {
    let size: number;
    let align: number;
    let laid: Omit<FieldLayout, 'offset' | 'size' | 'align'>;
    if (isStructField(f)) {
      const inner = layoutOf(f.struct as StructName, abi, variant);
      size = inner.size;
      align = inner.align;
      variable ||= inner.variable;
      laid = isTrailingField(f)
        ? { name: f.name, cType: f.struct, kind: 'structs', struct: f.struct as StructName, lengthField: f.trailing }
        : { name: f.name, cType: f.struct, kind: 'struct', struct: f.struct as StructName };
    } else {
      const cType = scalarType(f, variant);
      const primitive = C_TYPES[cType];
      const wide = C_TYPES[scalarType(f, 'wdk')];
      const valueType = wide === 'ptr' || wide === 'u64' ? 'ptr' : 'number';
      size = primitiveSize(primitive, abi);
      align = size;
      laid = isTrailingField(f)
        ? { name: f.name, cType, kind: 'bytes', primitive, lengthField: f.trailing }
        : { name: f.name, cType, kind: 'scalar', primitive, valueType };
    }
    if (isTrailingField(f)) variable = true;
    cursor = alignUp(cursor, align);
    fields.push({ ...laid, offset: cursor, size, align });
    cursor += size;
    maxAlign = Math.max(maxAlign, align);
  }
  const varParts = findVarParts(def.fields as readonly FieldDef[]);
  const last = fields[fields.length - 1];
  const layout: StructLayout = {
    name,
    abi,
    variant,
    size: alignUp(cursor, maxAlign),
    align: maxAlign,
    fields,
    offsets: Object.fromEntries(fields.map((f) => [f.name, f.offset])),
    varParts,
    trailing: last && (last.kind === 'bytes' || last.kind === 'structs') ? last : undefined,
    variable: variable || varParts.length > 0,
  };
  cache.set(key, layout);
  return layout;
}
