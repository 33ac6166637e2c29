/**
 * DWORDs on the MS-TRP wire: every field of a TAPI32_MSG and an ASYNCEVENTMSG is a
 * little-endian unsigned 32-bit number. Callers check bounds before reading or writing.
 */

/** Whether a value is a whole number that fits a DWORD (0 to 0xFFFFFFFF). */
export function isDword(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/** The DWORD at `at`; the caller guarantees `at + 4 <= bytes.length`. */
export function readDword(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Writes a DWORD at `at`; the caller guarantees the span and that `value` is a DWORD. */
export function writeDword(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** `n` rounded up to a multiple of 4 (VarData items are DWORD-aligned). */
export function alignDword(n: number): number {
  return Math.ceil(n / 4) * 4;
}
