import { CodecError } from './codec-error.js';

/*
 * The small helpers the generated codecs call. They are plain functions so V8 inlines
 * them into the generated straight-line code.
 */

const TWO_32 = 4294967296;
/** Values below 2^21 in the high word keep a 64-bit value under 2^53. */
const SAFE_HIGH = 2097152;
const MAX_U64 = 0xffffffffffffffffn;

/** Reads a little-endian 64-bit pointer-sized value: a number below 2^53, a bigint above. */
export function readPtr64(dv: DataView, o: number): number | bigint {
  const lo = dv.getUint32(o, true);
  const hi = dv.getUint32(o + 4, true);
  return hi < SAFE_HIGH ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/*
 * The writers of the generated encoders: each writes a member's value little-endian, a
 * left-out value (undefined) as 0, and returns false, writing nothing, when the value does
 * not fit the member's C type. The common case (a number in range) is tested first.
 */

export function writeU8(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x === 'number' && (x & 0xff) === x) {
    dv.setUint8(o, x);
    return true;
  }
  return writeOther(dv, o, x, 1);
}

export function writeU16(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x === 'number' && (x & 0xffff) === x) {
    dv.setUint16(o, x, true);
    return true;
  }
  return writeOther(dv, o, x, 2);
}

export function writeU32(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x === 'number' && (x >>> 0) === x) {
    dv.setUint32(o, x, true);
    return true;
  }
  return writeOther(dv, o, x, 4);
}

export function writeI32(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x === 'number' && (x | 0) === x) {
    dv.setInt32(o, x, true);
    return true;
  }
  return writeOther(dv, o, x, 4);
}

/** A 32-bit member whose value is a Ptr (x86 handles, ddk-variant widened members): a bigint is taken too. */
export function writeU32OrBigint(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x === 'number' && (x >>> 0) === x) {
    dv.setUint32(o, x, true);
    return true;
  }
  if (typeof x === 'bigint' && x >= 0n && x <= 0xffffffffn) {
    dv.setUint32(o, Number(x), true);
    return true;
  }
  return writeOther(dv, o, x, 4);
}

/**
 * A 64-bit pointer-sized member. A number is split into 32-bit halves: the high half is a
 * whole number below 2^32 exactly when the number is a whole number in [0, 2^64). Kept
 * small, with the rarer values in writeOther, so V8 inlines it into every encoder.
 */
export function writePtr64(dv: DataView, o: number, x: unknown): boolean {
  if (typeof x !== 'number') return writeOther(dv, o, x, 8);
  const lo = x >>> 0;
  const hi = (x - lo) / 4294967296;
  if ((hi >>> 0) !== hi) return false;
  dv.setUint32(o, lo, true);
  dv.setUint32(o + 4, hi, true);
  return true;
}

/** A 32-bit member from a trusted value: a number, a bigint (x86 handles), or undefined (0). */
export function writeU32Trusted(dv: DataView, o: number, x: unknown): void {
  dv.setUint32(o, typeof x === 'bigint' ? Number(x) : (x as number), true);
}

/** A 64-bit member from a trusted value: a DataView writes undefined (NaN) as 0. */
export function writePtr64Trusted(dv: DataView, o: number, x: unknown): void {
  if (typeof x === 'bigint') {
    dv.setBigUint64(o, x, true);
  } else {
    dv.setUint32(o, (x as number) >>> 0, true);
    dv.setUint32(o + 4, Math.floor((x as number) / 4294967296), true);
  }
}

/**
 * The rare cases: a left-out member (undefined) is written as zeros, a bigint that fits is
 * written (8-byte members only; 32-bit ones that take a bigint check it themselves); anything
 * else does not fit.
 */
function writeOther(dv: DataView, o: number, x: unknown, size: 1 | 2 | 4 | 8): boolean {
  if (x === undefined) {
    for (let i = 0; i < size; i++) dv.setUint8(o + i, 0);
    return true;
  }
  if (size === 8 && typeof x === 'bigint' && x >= 0n && x <= MAX_U64) {
    dv.setBigUint64(o, x, true);
    return true;
  }
  return false;
}

export function isPtr64(x: unknown): x is number | bigint {
  return typeof x === 'number'
    ? Number.isSafeInteger(x) && x >= 0
    : typeof x === 'bigint' && x >= 0n && x <= MAX_U64;
}

let lastBytes: Uint8Array | undefined;
let lastView: DataView | undefined;

/** A DataView over the bytes, reused while the same buffer comes back (the common hot loop). */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes === lastBytes && lastView !== undefined) return lastView;
  lastBytes = bytes;
  lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return lastView;
}

export function badValue(structure: string, field: string, cType: string, value: unknown): CodecError {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new CodecError(structure, field, 'bad-value', 0, 0, `${shown} does not fit ${cType}`);
}

export function shortBuffer(structure: string, field: string, needed: number, available: number, what: string): CodecError {
  return new CodecError(
    structure,
    field,
    'short-buffer',
    needed,
    available,
    `${what} needs ${needed} bytes from the start of the buffer, ${available} available`,
  );
}
