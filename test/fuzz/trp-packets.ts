import fc from 'fast-check';
import {
  REQUEST_LAYOUTS,
  TAPI_NO_DATA,
  encodeRequest,
  isTrpPacketError,
  type RequestFuncName,
  type RequestPacket,
  type SlotSpec,
} from '../../tapi/trp/index.js';

/*
 * MS-TRP request packets to fuzz a server with: a well-formed packet of every function wanemu
 * has a layout for (with handles the server gave out, where the fuzz picks them), then cut,
 * extended with garbage, its slots pointed outside or misaligned within VarData, its reserved
 * fields set, random bytes flipped, or replaced by random bytes; with lNeededSize honest, short,
 * huge or not a number.
 */

export const FUNCS = Object.keys(REQUEST_LAYOUTS) as RequestFuncName[];

/** Handles a server gave out, substituted into handle slots by name. */
export interface ServerHandles {
  readonly hLineApp: number;
  readonly hLine: number;
  readonly hCall: number;
}

const text = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replaceAll('\0', ''));

/** An arbitrary valid value for one slot (shared with the decoder's own never-throws test). */
export function slotValue(slot: SlotSpec): fc.Arbitrary<unknown> {
  switch (slot.kind) {
    case 'string':
      return slot.optional ? fc.option(text) : text;
    case 'blob':
      return fc.option(fc.uint8Array({ maxLength: 20 }));
    case 'callParams':
      return fc.option(
        fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => {
          new DataView(b.buffer).setUint32(0, b.length, true);
          return b;
        }),
      );
    case 'output':
    case 'capacity':
      return fc.oneof(fc.nat({ max: 2048 }), fc.constant(0));
    default:
      return fc.oneof(fc.nat({ max: 0xffffffff }), fc.nat({ max: 4 }));
  }
}

/** A packet the encoder accepts, with every field random. */
export const anyPacket: fc.Arbitrary<RequestPacket> = fc.constantFrom(...FUNCS).chain((func) => {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const slot of REQUEST_LAYOUTS[func].slots) if (slot.kind !== 'blobSize') fields[slot.name] = slotValue(slot);
  return fc.record(fields).map((f) => ({ func, ...f }) as unknown as RequestPacket);
});

export type Mutation =
  | { readonly how: 'none' }
  | { readonly how: 'truncate'; readonly fraction: number }
  | { readonly how: 'append'; readonly garbage: Uint8Array }
  | { readonly how: 'slot'; readonly slotPick: number; readonly value: 'zero' | 'noData' | 'end' | 'pastEnd' | 'odd' | 'huge' | 'half' | 'random'; readonly raw: number }
  | { readonly how: 'reserved'; readonly at: number; readonly raw: number }
  | { readonly how: 'flip'; readonly flips: ReadonlyArray<readonly [number, number]> }
  | { readonly how: 'random'; readonly bytes: Uint8Array; readonly keepFunc: boolean };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ how: 'none' as const }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((fraction) => ({ how: 'truncate' as const, fraction })) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((garbage) => ({ how: 'append' as const, garbage })) },
  {
    weight: 6,
    arbitrary: fc.record({
      how: fc.constant('slot' as const),
      slotPick: fc.nat({ max: 99 }),
      value: fc.constantFrom('zero', 'noData', 'end', 'pastEnd', 'odd', 'huge', 'half', 'random'),
      raw: fc.nat({ max: 0xffffffff }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ how: fc.constant('reserved' as const), at: fc.nat({ max: 13 }), raw: fc.nat({ max: 0xffffffff }) }) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.nat({ max: 0xffff }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => ({ how: 'flip' as const, flips })) },
  { weight: 1, arbitrary: fc.record({ how: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 200 }), keepFunc: fc.boolean() }) },
);

/** lNeededSize as declared: the encoder's, the bytes sent, less, more, huge, or not an integer. */
export type NeededSize = 'encoded' | 'sent' | 'less' | 'more' | 'huge' | 'nan' | 'fraction' | 'negative';
export const neededSize: fc.Arbitrary<NeededSize> = fc.constantFrom<NeededSize>('encoded', 'encoded', 'encoded', 'sent', 'less', 'more', 'huge', 'nan', 'fraction', 'negative');

/** One fuzzed packet as data. */
export interface FuzzPacket {
  readonly packet: RequestPacket;
  /** Per handle slot: whether it gets the server's handle (else the random value stays). */
  readonly useHandles: boolean;
  readonly mutation: Mutation;
  readonly needed: NeededSize;
}

export const fuzzPacket: fc.Arbitrary<FuzzPacket> = fc.record({ packet: anyPacket, useHandles: fc.boolean(), mutation, needed: neededSize });

const HANDLE_SLOTS = new Set(['hLineApp', 'hLine', 'hCall']);

/** The bytes and lNeededSize of a fuzzed packet; `func` is the function it was built from. */
export function buildPacket(f: FuzzPacket, handles: ServerHandles): { readonly func: RequestFuncName; readonly bytes: Uint8Array; readonly neededSize: number } {
  const func = f.packet.func;
  const layout = REQUEST_LAYOUTS[func];
  const fields: Record<string, unknown> = { ...f.packet };
  if (f.useHandles) for (const slot of layout.slots) if (HANDLE_SLOTS.has(slot.name) && slot.dir !== 'out') fields[slot.name] = handles[slot.name as keyof ServerHandles];
  const encoded = encodeRequest(fields as unknown as RequestPacket);
  if (isTrpPacketError(encoded)) throw new Error(`the generator made a packet the encoder refuses: ${encoded.toString()}`);
  let bytes = encoded.bytes.slice();
  const m = f.mutation;
  switch (m.how) {
    case 'none':
      break;
    case 'truncate':
      bytes = bytes.slice(0, Math.floor(m.fraction * bytes.length));
      break;
    case 'append': {
      const longer = new Uint8Array(bytes.length + m.garbage.length);
      longer.set(bytes);
      longer.set(m.garbage, bytes.length);
      bytes = longer;
      break;
    }
    case 'slot': {
      const slot = layout.slots[m.slotPick % layout.slots.length]!;
      const varLength = bytes.length - 60;
      const value = {
        zero: 0,
        noData: TAPI_NO_DATA,
        end: varLength,
        pastEnd: varLength + 1 + (m.raw % 64),
        odd: (m.raw % Math.max(1, varLength)) | 1,
        huge: 0xffffffff - (m.raw % 16),
        half: 0x7fffffff + (m.raw % 3),
        random: m.raw,
      }[m.value];
      new DataView(bytes.buffer).setUint32(slot.at, value >>> 0, true);
      break;
    }
    case 'reserved':
      new DataView(bytes.buffer).setUint32(m.at === 0 ? 4 : 4 + 4 * m.at, m.raw, true);
      break;
    case 'flip':
      for (const [at, x] of m.flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= x;
      break;
    case 'random': {
      const fresh = m.bytes.slice();
      if (m.keepFunc && fresh.length >= 4) new DataView(fresh.buffer).setUint32(0, layout.reqFunc, true);
      bytes = fresh;
      break;
    }
  }
  const declared = {
    encoded: Math.max(encoded.neededSize, bytes.length),
    sent: bytes.length,
    less: bytes.length - 1 - (bytes.length % 7),
    more: bytes.length + 4096,
    huge: 0x7fffffff,
    nan: Number.NaN,
    fraction: bytes.length + 0.5,
    negative: -1,
  }[f.needed];
  return { func, bytes, neededSize: declared };
}
