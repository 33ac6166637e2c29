import { LINEERR_STRUCTURETOOSMALL } from '../oid/index.js';
import { lineErr } from './line-errors.js';
import { tapiLayout } from './tapi-layout.js';
import type { TapiVarStructName } from './tapi-structures.js';

/** What goes into a TAPI structure: scalars by member name, variable parts by their `Xxx` name. */
export interface TapiStructValue {
  /** DWORDs (and WORDs) by the names tapiLayout gives; members the version lacks are left out. */
  readonly scalars?: Readonly<Record<string, number>>;
  /** GUIDs and other 16-byte members, by name. */
  readonly blocks?: Readonly<Record<string, Uint8Array>>;
  /** Variable data, by part name (`CallerID` for dwCallerIDSize / dwCallerIDOffset). Empty: absent. */
  readonly parts?: Readonly<Record<string, Uint8Array>>;
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * A TAPI structure as an application receives it, by TAPI's size rules (ms-trp.md §2.2, §6.3):
 * - the fixed part is the one of the application's negotiated `apiVersion`; a `totalSize` below
 *   it is LINEERR_STRUCTURETOOSMALL and nothing is written;
 * - dwTotalSize is what the application allocated, dwNeededSize what would hold everything;
 * - the variable data goes in only when all of it fits, each part DWORD-aligned after the fixed
 *   part, with offsets from the start of the structure; otherwise its sizes and offsets stay 0;
 * - dwUsedSize is what was filled, and the bytes returned are exactly that many.
 */
export function writeTapiStruct(name: TapiVarStructName, apiVersion: number, totalSize: number, value: TapiStructValue): Uint8Array | number {
  const layout = tapiLayout(name);
  const fixed = layout.fixedSize(apiVersion);
  const total = totalSize >>> 0;
  if (total < fixed) return lineErr(LINEERR_STRUCTURETOOSMALL);
  const present = (member: string): boolean => (layout.since[member] ?? Infinity) <= apiVersion && (layout.offsets[member] ?? Infinity) < fixed;
  const parts = layout.varParts.filter((p) => present(p.sizeField) && (value.parts?.[p.name]?.length ?? 0) > 0);
  let needed = fixed;
  const placed: { readonly at: number; readonly bytes: Uint8Array; readonly sizeField: string; readonly offsetField: string }[] = [];
  for (const p of parts) {
    const bytes = value.parts![p.name]!;
    const at = align4(needed);
    placed.push({ at, bytes, sizeField: p.sizeField, offsetField: p.offsetField });
    needed = at + bytes.length;
  }
  const fits = needed <= total;
  const used = fits ? needed : fixed;
  const out = new Uint8Array(used);
  const dv = new DataView(out.buffer);
  // Sizes and offsets of variable parts are the writer's own: they locate what it placed.
  const located = new Set(layout.varParts.flatMap((p) => [p.sizeField, p.offsetField]));
  for (const [k, v] of Object.entries(value.scalars ?? {})) {
    if (!present(k) || located.has(k)) continue;
    const at = layout.offsets[k]!;
    if (layout.widths[k] === 2) dv.setUint16(at, v & 0xffff, true);
    else dv.setUint32(at, v >>> 0, true);
  }
  for (const [k, b] of Object.entries(value.blocks ?? {})) {
    if (present(k)) out.set(b.subarray(0, layout.widths[k]!), layout.offsets[k]!);
  }
  if (fits) {
    for (const p of placed) {
      out.set(p.bytes, p.at);
      dv.setUint32(layout.offsets[p.sizeField]!, p.bytes.length, true);
      dv.setUint32(layout.offsets[p.offsetField]!, p.at, true);
    }
  }
  dv.setUint32(layout.offsets['dwTotalSize']!, total, true);
  dv.setUint32(layout.offsets['dwNeededSize']!, needed, true);
  dv.setUint32(layout.offsets['dwUsedSize']!, used, true);
  return out;
}
