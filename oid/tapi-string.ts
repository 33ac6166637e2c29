/**
 * TAPI's string members at the NDIS level are single-byte text with a terminating NUL (the
 * size member counts the NUL). Characters above 0xFF keep their low byte.
 */
export function asciiz(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
