import { STRUCTURES, STRUCT_NAMES, layoutOf, type Abi, type LayoutVariant, type StructName } from '../oid/index.js';
import { textTable } from './text-table.js';

/** Every structure with its header and size on both ABIs. */
export function structureListText(variant: LayoutVariant): string {
  return textTable(
    ['structure', 'header', 'x64', 'x86'],
    STRUCT_NAMES.map((n) => [
      n,
      STRUCTURES[n].header,
      String(layoutOf(n, 'x64', variant).size),
      String(layoutOf(n, 'x86', variant).size),
    ]),
  );
}

/** One structure's members with offset, size and C type, and its variable parts. */
export function layoutText(name: StructName, abi: Abi, variant: LayoutVariant): string {
  const l = layoutOf(name, abi, variant);
  const rows = l.fields.map((f) => [
    String(f.offset),
    String(f.size),
    f.cType + (f.kind === 'bytes' || f.kind === 'structs' ? '[1]' : ''),
    f.name + (f.lengthField ? `  (length in ${f.lengthField})` : ''),
  ]);
  const parts = l.varParts.map((p) => `  ${p.name}: ${p.sizeField} bytes at ${p.offsetField}`);
  return [
    `${name} (${abi}, ${variant}): sizeof ${l.size}, alignment ${l.align}`,
    textTable(['offset', 'size', 'type', 'member'], rows),
    ...(parts.length > 0 ? ['variable parts (offsets from the start of the structure):', ...parts] : []),
  ].join('\n');
}
