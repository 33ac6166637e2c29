import type { TapiStructValue } from './tapi-var-struct.js';
import { unicodeOfAscii } from './unicode-text.js';

/**
 * A miniport's LINE_* structure, decoded by the oid/ codecs, as the value of the TAPI structure
 * it mirrors: ndistapi.h's LINE_CALL_INFO, LINE_DEV_CAPS, LINE_ADDRESS_CAPS, LINE_CALL_STATUS and
 * VAR_STRING are tapi.h's structures with `ul` for `dw` (and LINE_DIAL_PARAMS for
 * LINEDIALPARAMS), so each `ulXxx` becomes `dwXxx`, a nested structure's members are named
 * `Nested.dwXxx`, and each variable part keeps its name. Parts named in `textParts` are ASCII text
 * and become UTF-16LE (docs/tapi.md, "strings"); the others are copied as bytes. The size
 * header and the parts' sizes and offsets are left to the writer.
 */
export function tapiValueOfNdis(ndis: object, textParts: ReadonlySet<string>): { readonly scalars: Record<string, number>; readonly parts: Record<string, Uint8Array> } {
  const scalars: Record<string, number> = {};
  const parts: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(ndis)) {
    if (typeof v === 'number') {
      if (k.startsWith('ul')) scalars[`dw${k.slice(2)}`] = v;
    } else if (v instanceof Uint8Array) {
      if (v.length > 0) parts[k] = textParts.has(k) ? unicodeOfAscii(v) : v;
    } else if (v !== null && typeof v === 'object') {
      for (const [ik, iv] of Object.entries(v as Record<string, unknown>)) {
        if (typeof iv === 'number' && ik.startsWith('ul')) scalars[`${k}.dw${ik.slice(2)}`] = iv;
      }
    }
  }
  return { scalars, parts };
}

/** Merges the server's own members over a translated value (they win). */
export function withServerFields(base: { readonly scalars: Record<string, number>; readonly parts: Record<string, Uint8Array> }, own: TapiStructValue): TapiStructValue {
  return {
    scalars: { ...base.scalars, ...own.scalars },
    parts: { ...base.parts, ...own.parts },
    ...(own.blocks === undefined ? {} : { blocks: own.blocks }),
  };
}
