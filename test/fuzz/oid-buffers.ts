import fc from 'fast-check';
import {
  FAMILIES,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  TAPI_OIDS,
  kindOfOid,
  layoutOf,
  structureOfOid,
  type Abi,
  type LayoutVariant,
  type RequestKind,
  type StructName,
} from '../../oid/index.js';
import { SIMULATED_OIDS } from '../../miniport/simulated-miniport.js';
import type { StateHandles } from './stack-state.js';

/*
 * Fuzzed OID requests: which OID, as query or set, and an information buffer that is empty,
 * cut short, exactly sized, oversized or plain random, whose members (nested ones included) get
 * handles valid in the state, boundary values (0, all ones, 2^31, the buffer's length) or random
 * ones; sizes and offsets of variable parts are pushed towards and past the buffer's end.
 */

/** The OIDs the simulated miniport serves, and the TAPI OIDs it does not. */
export const SERVED_OIDS: readonly number[] = SIMULATED_OIDS;
export const UNSERVED_TAPI_OIDS: readonly number[] = TAPI_OIDS.map((o) => o.oid).filter((oid) => !SIMULATED_OIDS.includes(oid));

/** Indication codes: never an answer to a request. */
const INDICATIONS = new Set([NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_WAN_LINE_UP, NDIS_STATUS_WAN_LINE_DOWN]);

/** Whether a value is an NDIS_STATUS a request can be answered with (named in the headers, not an indication code). */
export function isRequestStatus(status: number): boolean {
  return Number.isInteger(status) && !INDICATIONS.has(status) && [...FAMILIES.NDIS_STATUS.values.values()].includes(status);
}

export type BufferShape = 'empty' | 'truncated' | 'exact' | 'oversized' | 'random';

/** One fuzzed request, as data: resolved into bytes against a state's handles by `buildRequest`. */
export interface FuzzRequest {
  /** Index into SERVED_OIDS (most requests), else an unserved TAPI OID or any 32-bit value. */
  readonly oidPick: { readonly from: 'served' | 'unserved'; readonly index: number } | { readonly from: 'any'; readonly oid: number };
  /** Whether the request goes with the OID's own kind or the other one. */
  readonly wrongKind: boolean;
  readonly shape: BufferShape;
  /** The fraction of the least size kept by a truncated buffer, [0, 1). */
  readonly cut: number;
  /** Bytes beyond sizeof for an oversized buffer; the length of a random one. */
  readonly extra: number;
  /** What each member gets, by member index (cycled). */
  readonly picks: readonly number[];
  /** Raw values the picks draw on (cycled). */
  readonly values: readonly number[];
  /** Background bytes, tiled over the buffer before members are written. */
  readonly background: Uint8Array;
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  oidPick: fc.oneof(
    { weight: 12, arbitrary: fc.nat({ max: SERVED_OIDS.length - 1 }).map((index) => ({ from: 'served' as const, index })) },
    { weight: 1, arbitrary: fc.nat({ max: UNSERVED_TAPI_OIDS.length - 1 }).map((index) => ({ from: 'unserved' as const, index })) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }).map((oid) => ({ from: 'any' as const, oid })) },
  ),
  wrongKind: fc.nat({ max: 3 }).map((n) => n === 0),
  shape: fc.constantFrom<BufferShape>('empty', 'truncated', 'exact', 'exact', 'oversized', 'oversized', 'random'),
  cut: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  extra: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 2048 }), fc.constant(0x10000)),
  picks: fc.array(fc.nat({ max: 99 }), { minLength: 1, maxLength: 48 }),
  values: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 16 }),
  background: fc.oneof(fc.constant(new Uint8Array(1)), fc.uint8Array({ minLength: 1, maxLength: 32 })),
});

/** A scalar member at its absolute offset in the buffer, nested structures flattened. */
interface FlatMember {
  readonly path: string;
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** sizeof of the innermost structure holding it, and where that structure starts. */
  readonly base: number;
}

const flatCache = new Map<string, readonly FlatMember[]>();

/** Every scalar member of a structure, nested ones included (a trailing array's first element too). */
export function flatMembers(structure: StructName, abi: Abi, variant: LayoutVariant): readonly FlatMember[] {
  const key = `${structure}/${abi}/${variant}`;
  const hit = flatCache.get(key);
  if (hit !== undefined) return hit;
  const out: FlatMember[] = [];
  const walk = (name: StructName, base: number, prefix: string): void => {
    for (const f of layoutOf(name, abi, variant).fields) {
      if (f.kind === 'scalar') out.push({ path: prefix + f.name, name: f.name, offset: base + f.offset, size: f.size, base });
      else if ((f.kind === 'struct' || f.kind === 'structs') && f.struct !== undefined) walk(f.struct, base + f.offset, `${prefix}${f.name}.`);
    }
  };
  walk(structure, 0, '');
  flatCache.set(key, out);
  return out;
}

/** The request a FuzzRequest stands for, on a miniport of `abi`/`variant` in a state with `handles`. */
export interface BuiltRequest {
  readonly oid: number;
  readonly kind: RequestKind;
  readonly buffer: Uint8Array;
  /** The structure of a served OID, else undefined. */
  readonly structure: StructName | undefined;
  /** Below this many bytes no layout variant holds the structure: NDIS_STATUS_INVALID_LENGTH is due. */
  readonly least: number;
  /** Whether the OID is one the miniport serves, asked with its own kind. */
  readonly served: boolean;
}

export function oidOf(r: FuzzRequest): number {
  const p = r.oidPick;
  if (p.from === 'any') return p.oid;
  return p.from === 'served' ? SERVED_OIDS[p.index]! : UNSERVED_TAPI_OIDS[p.index]!;
}

const HANDLE_MEMBERS: Readonly<Record<string, keyof StateHandles>> = {
  hdLine: 'hdLine',
  htLine: 'htLine',
  hdCall: 'hdCall',
  htCall: 'htCall',
  ulDeviceID: 'deviceId',
  ulAddressID: 'addressId',
};

function writeMember(dv: DataView, m: FlatMember, value: number): void {
  if (m.offset + m.size > dv.byteLength) return;
  switch (m.size) {
    case 1:
      dv.setUint8(m.offset, value & 0xff);
      return;
    case 2:
      dv.setUint16(m.offset, value & 0xffff, true);
      return;
    case 4:
      dv.setUint32(m.offset, value >>> 0, true);
      return;
    default:
      dv.setUint32(m.offset, value >>> 0, true);
      dv.setUint32(m.offset + 4, Math.floor(value / 2 ** 32) >>> 0, true);
  }
}

/** The value a member gets from its pick: a handle, a boundary, something near the buffer's end, or raw. */
function memberValue(m: FlatMember, pick: number, raw: number, length: number, handles: StateHandles, structSize: number): number | undefined {
  const handle = HANDLE_MEMBERS[m.name];
  const sized = /Size$/.test(m.name);
  const located = /Offset$/.test(m.name);
  if (pick < 35) {
    if (handle !== undefined) return handles[handle];
    if (m.name === 'ulTotalSize') return Math.max(0, length - m.base) - (raw % 3 === 0 ? raw % 16 : 0);
    if (sized) return raw % 24;
    if (located) return structSize + (raw % 16) - 4;
    return raw & 0xff;
  }
  if (pick < 45) return 0;
  if (pick < 55) return m.size >= 4 ? 0xffffffff : 2 ** (8 * m.size) - 1;
  if (pick < 62) return raw % 2 === 0 ? 0x7fffffff : 0x80000000;
  if (pick < 72) return Math.max(0, length - m.base + (raw % 5) - 2);
  if (pick < 80) return (sized || located) && raw % 2 === 0 ? 0xfffffff0 + (raw % 16) : raw;
  if (pick < 90) return raw;
  return undefined; // the background bytes stay
}

/** Bytes and the rest for one fuzzed request. */
export function buildRequest(r: FuzzRequest, abi: Abi, variant: LayoutVariant, handles: StateHandles): BuiltRequest {
  const oid = oidOf(r);
  const own = kindOfOid(oid);
  const kind: RequestKind = own === undefined ? (r.wrongKind ? 'set' : 'query') : r.wrongKind ? (own === 'query' ? 'set' : 'query') : own;
  const structure = SERVED_OIDS.includes(oid) ? structureOfOid(oid) : undefined;
  const size = structure === undefined ? 64 : layoutOf(structure, abi, variant).size;
  const least = structure === undefined ? 0 : Math.min(size, layoutOf(structure, abi, 'ddk').size, layoutOf(structure, abi, 'wdk').size);
  let length: number;
  switch (r.shape) {
    case 'empty':
      length = 0;
      break;
    case 'truncated':
      length = Math.floor(r.cut * least);
      break;
    case 'exact':
      length = size;
      break;
    case 'oversized':
      length = size + r.extra;
      break;
    case 'random':
      length = r.extra % 700;
      break;
  }
  const buffer = new Uint8Array(length);
  for (let i = 0; i < length; i++) buffer[i] = r.background[i % r.background.length]!;
  if (structure !== undefined && r.shape !== 'random') {
    // Build the whole structure, then cut: a truncated buffer keeps a plausible head.
    const full = new Uint8Array(Math.max(length, size));
    full.set(buffer);
    const dv = new DataView(full.buffer);
    flatMembers(structure, abi, variant).forEach((m, i) => {
      const v = memberValue(m, r.picks[i % r.picks.length]!, r.values[i % r.values.length]!, length, handles, size);
      if (v !== undefined) writeMember(dv, m, v);
    });
    buffer.set(full.subarray(0, length));
  }
  return { oid, kind, buffer, structure, least, served: structure !== undefined && kind === own };
}

/** A short description of a request, for failure messages. */
export function describeRequest(b: BuiltRequest): string {
  const hex = Array.from(b.buffer.subarray(0, 96), (x) => x.toString(16).padStart(2, '0')).join('');
  return `${b.kind} 0x${b.oid.toString(16)} (${b.structure ?? 'unserved'}) ${b.buffer.length} bytes: ${hex}${b.buffer.length > 96 ? '...' : ''}`;
}
