import { ABIS, type Abi, type LayoutVariant } from './abi.js';
import { layoutOf } from './layout.js';
import { STRUCT_NAMES, type StructName } from './schema/structures.js';

/** A structure's size and member offsets on one ABI. */
export interface LayoutEntry {
  readonly size: number;
  readonly offsets: Readonly<Record<string, number>>;
}

export type LayoutTable = Readonly<Record<StructName, Readonly<Record<Abi, LayoutEntry>>>>;

function table(variant: LayoutVariant): LayoutTable {
  const out = {} as Record<StructName, Record<Abi, LayoutEntry>>;
  for (const name of STRUCT_NAMES) {
    const perAbi = {} as Record<Abi, LayoutEntry>;
    for (const abi of ABIS) {
      const l = layoutOf(name, abi, variant);
      perAbi[abi] = Object.freeze({ size: l.size, offsets: l.offsets });
    }
    out[name] = Object.freeze(perAbi);
  }
  return Object.freeze(out);
}

/** structure name -> ABI -> { size, offsets }: the default (WDK) layouts. */
export const layouts: LayoutTable = table('wdk');

/** The same table for each layout variant; `ddk` differs from `wdk` on x64 only (docs/abi.md). */
export const variantLayouts: Readonly<Record<LayoutVariant, LayoutTable>> = Object.freeze({
  wdk: layouts,
  ddk: table('ddk'),
});
