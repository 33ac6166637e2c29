/**
 * NUL-terminated UTF-16LE strings, the form of every MS-TRP input string in VarData. Code
 * units are copied as they are, so unpaired surrogates survive a round trip.
 */

/** The string's code units followed by a NUL, little-endian. */
export function encodeUtf16z(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2 + 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit & 0xff;
    out[i * 2 + 1] = unit >>> 8;
  }
  return out;
}

/**
 * The string starting at `start` and ending at the first NUL code unit before `end`, or
 * undefined when there is none (the NUL's two bytes must both lie before `end`).
 */
export function decodeUtf16z(bytes: Uint8Array, start: number, end: number): string | undefined {
  const units: number[] = [];
  for (let at = start; at + 2 <= end; at += 2) {
    const unit = bytes[at]! | (bytes[at + 1]! << 8);
    if (unit === 0) return codeUnitsToString(units);
    units.push(unit);
  }
  return undefined;
}

function codeUnitsToString(units: readonly number[]): string {
  let text = '';
  // In chunks: String.fromCharCode takes its units as arguments.
  for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
  return text;
}
