import { SYSTEMTIME_WORDS, TAPI_STRUCTURES, type TapiMember, type TapiStructName } from './tapi-structures.js';

/** A variable part of a TAPI structure: the dwXxxSize / dwXxxOffset pair that locates it. */
export interface TapiVarPart {
  /** `Xxx`, as in dwXxxSize. */
  readonly name: string;
  readonly sizeField: string;
  readonly offsetField: string;
  /** The first API version that has the pair (0: every version). */
  readonly since: number;
}

/** The wire layout of a TAPI structure (ms-trp.md §6: every member a DWORD, handles included). */
export interface TapiLayout {
  readonly name: TapiStructName;
  /** The full fixed part, every version's members included. */
  readonly size: number;
  /**
   * Byte offset of every scalar, by name. Members of a nested structure are named with its
   * member: `DialParams.dwDialPause`, `tStateEntryTime.wYear`, `PermanentLineGuid` (a GUID is
   * 16 bytes, named whole).
   */
  readonly offsets: Readonly<Record<string, number>>;
  /** Width of every scalar in `offsets`: 4, or 2 for SYSTEMTIME's WORDs, 16 for a GUID. */
  readonly widths: Readonly<Record<string, number>>;
  /** The first API version of every scalar in `offsets` (0: every version). */
  readonly since: Readonly<Record<string, number>>;
  readonly varParts: readonly TapiVarPart[];
  /** The fixed size an application negotiated `apiVersion` sees. */
  fixedSize(apiVersion: number): number;
}

const WIDTH: Record<'DWORD' | 'HLINE' | 'SYSTEMTIME' | 'GUID', number> = { DWORD: 4, HLINE: 4, SYSTEMTIME: 16, GUID: 16 };

const cache = new Map<TapiStructName, TapiLayout>();

/** The layout of a TAPI structure, derived from its member table in tapi-structures.ts. */
export function tapiLayout(name: TapiStructName): TapiLayout {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const offsets: Record<string, number> = {};
  const widths: Record<string, number> = {};
  const since: Record<string, number> = {};
  /** Where each version's members start: the fixed size of the versions before it. */
  const gates: { readonly since: number; readonly at: number }[] = [];
  let at = 0;
  for (const m of TAPI_STRUCTURES[name] as readonly TapiMember[]) {
    const v = m.since ?? 0;
    if (v > 0 && !gates.some((g) => g.since === v)) gates.push({ since: v, at });
    if (m.type === 'LINEDIALPARAMS') {
      const inner = tapiLayout('LINEDIALPARAMS');
      for (const [k, o] of Object.entries(inner.offsets)) {
        offsets[`${m.name}.${k}`] = at + o;
        widths[`${m.name}.${k}`] = 4;
        since[`${m.name}.${k}`] = v;
      }
      at += inner.size;
    } else if (m.type === 'SYSTEMTIME') {
      SYSTEMTIME_WORDS.forEach((w, i) => {
        offsets[`${m.name}.${w}`] = at + i * 2;
        widths[`${m.name}.${w}`] = 2;
        since[`${m.name}.${w}`] = v;
      });
      at += WIDTH.SYSTEMTIME;
    } else {
      offsets[m.name] = at;
      widths[m.name] = WIDTH[m.type];
      since[m.name] = v;
      at += WIDTH[m.type];
    }
  }
  const size = at;
  const varParts: TapiVarPart[] = [];
  for (const f of Object.keys(offsets)) {
    const match = /^dw(.+)Size$/.exec(f);
    if (match === null || !(`dw${match[1]}Offset` in offsets)) continue;
    varParts.push({ name: match[1]!, sizeField: f, offsetField: `dw${match[1]}Offset`, since: since[f] ?? 0 });
  }
  const layout: TapiLayout = {
    name,
    size,
    offsets,
    widths,
    since,
    varParts,
    fixedSize(apiVersion: number): number {
      const later = gates.find((g) => g.since > apiVersion);
      return later === undefined ? size : later.at;
    },
  };
  cache.set(name, layout);
  return layout;
}
