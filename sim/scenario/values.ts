import { constants, valueOf, type FamilyName } from '../../oid/index.js';

/** The constant family a member's names come from, where wanemu knows it. */
const FAMILY_OF: Readonly<Record<string, readonly FamilyName[]>> = {
  mediaMode: ['LINEMEDIAMODE'],
  mediaModes: ['LINEMEDIAMODE'],
  ulMediaMode: ['LINEMEDIAMODE'],
  ulMediaModes: ['LINEMEDIAMODE'],
  state: ['LINECALLSTATE'],
  ulCallState: ['LINECALLSTATE'],
  mode: ['LINEDISCONNECTMODE', 'LINEBUSYMODE', 'LINEDIALTONEMODE'],
  ulCallStateMode: ['LINEDISCONNECTMODE', 'LINEBUSYMODE', 'LINEDIALTONEMODE'],
  changed: ['LINECALLINFOSTATE'],
  ulSelect: ['LINECALLSELECT'],
  lineStates: ['LINEDEVSTATE'],
  ulLineStates: ['LINEDEVSTATE'],
  ulAddressStates: ['LINEADDRESSSTATE'],
  ulBearerMode: ['LINEBEARERMODE'],
  ulAddressMode: ['LINEADDRESSMODE'],
  ulStringFormat: ['STRINGFORMAT'],
  status: ['NDIS_STATUS', 'NDIS_STATUS_TAPI'],
  oid: ['OID'],
  msg: ['LINE_MESSAGE'],
};

/** Why a value could not be resolved. */
export class ValueError extends Error {}

/**
 * A scenario value as a number: numbers as they are, `$name` from the captures, constant names
 * by the member's family (short or full, `A|B` for bit sets) or by their full header name.
 */
export function resolveValue(member: string, v: unknown, vars: ReadonlyMap<string, number>): number {
  if (typeof v === 'number') return v < 0 ? v >>> 0 : v;
  if (typeof v !== 'string') throw new ValueError(`${member}: expected a number, a constant name or $name, found ${JSON.stringify(v)}`);
  if (v.startsWith('$')) {
    const x = vars.get(v.slice(1));
    if (x === undefined) throw new ValueError(`${member}: ${v} has not been captured yet`);
    return x;
  }
  const families = FAMILY_OF[member] ?? [];
  const parts = v.split('|').map((s) => s.trim());
  let out = 0;
  for (const p of parts) {
    // A part is a name of the member's family (short or full), or any constant by its header name.
    let x: number | undefined;
    for (const family of families) {
      x = valueOf(family, p);
      if (x !== undefined) break;
    }
    x ??= constants[p];
    if (x === undefined) {
      throw new ValueError(`${member}: unknown constant ${JSON.stringify(p)}${families.length > 0 ? ` (a ${families.join(' or ')} name was expected)` : ''}`);
    }
    out = (out | x) >>> 0;
  }
  return out;
}
