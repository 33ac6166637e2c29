/**
 * A miniport's ASCII text (NUL-terminated, possibly several strings in a row, as LINE_DEV_CAPS'
 * provider info "MediaName\0ProviderName\0") as the UTF-16LE text the MS-TRP wire carries
 * (ms-trp.md §2.2). Each byte becomes one UTF-16 unit (bytes above 0x7F are read as Latin-1: the
 * NDIS structures name no code page); a missing final NUL is added. Empty stays empty.
 */
export function unicodeOfAscii(ascii: Uint8Array): Uint8Array {
  if (ascii.length === 0) return ascii;
  const n = ascii[ascii.length - 1] === 0 ? ascii.length : ascii.length + 1;
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < ascii.length; i++) out[i * 2] = ascii[i]!;
  return out;
}

/** A JavaScript string as NUL-terminated UTF-16LE (the application name TAPI puts in LINECALLINFO). */
export function unicodeZ(text: string): Uint8Array {
  const out = new Uint8Array((text.length + 1) * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < text.length; i++) dv.setUint16(i * 2, text.charCodeAt(i), true);
  return out;
}
