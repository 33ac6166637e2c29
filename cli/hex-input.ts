/** A hex dump that could not be read: names the argument and character position. */
export class HexInputError extends Error {}

/**
 * Reads bytes written as hex: pairs of digits, optionally separated by spaces, commas or
 * colons, each optionally prefixed `0x` (as debuggers print memory). Throws HexInputError
 * naming the position of the first character that is not part of a byte.
 */
export function parseHex(text: string, source = 'argument'): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/[\s,:]/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) i += 2;
    const pair = text.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      throw new HexInputError(`${source}, character ${i + 1}: expected two hex digits, found ${JSON.stringify(text.slice(i, i + 2) || 'end of input')}`);
    }
    out.push(parseInt(pair, 16));
    i += 2;
  }
  return Uint8Array.from(out);
}
