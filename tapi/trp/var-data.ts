import { alignDword, readDword } from './dword.js';
import { decodeUtf16z, encodeUtf16z } from './utf16z.js';

/*
 * VarData: the variable part after a packet's fixed part, addressed by VarData-relative byte
 * offsets held in the fixed part. Items are DWORD-aligned (MS-DTYP 2.2.9, every MS-TRP page).
 */

/** Builds VarData: each item starts on a DWORD boundary, padding bytes are zero. */
export class VarDataWriter {
  private readonly items: Array<{ readonly at: number; readonly bytes: Uint8Array }> = [];
  private end = 0;

  /** Appends bytes at the next DWORD boundary; returns their VarData-relative offset. */
  append(bytes: Uint8Array): number {
    const at = alignDword(this.end);
    this.items.push({ at, bytes });
    this.end = at + bytes.length;
    return at;
  }

  /** Appends a NUL-terminated UTF-16LE string; returns its offset. */
  appendString(text: string): number {
    return this.append(encodeUtf16z(text));
  }

  /** Bytes of VarData so far, the last item padded to a DWORD boundary. */
  get length(): number {
    return alignDword(this.end);
  }

  /** Copies the items into `target` from `start` (the caller sized it: `start + length`). */
  writeInto(target: Uint8Array, start: number): void {
    for (const item of this.items) target.set(item.bytes, start + item.at);
  }
}

/** Why VarData does not hold what an offset says it holds. */
export type VarDataFault = 'misaligned' | 'outside' | 'overrun' | 'unterminated';

/** A failed VarData read. */
export interface VarDataMiss<F extends string = VarDataFault> {
  readonly fault: F;
}

function miss<F extends string>(fault: F): VarDataMiss<F> {
  return { fault };
}

/** A NUL-terminated UTF-16LE string at a WCHAR-aligned offset inside VarData. */
export function stringAt(varData: Uint8Array, offset: number): string | VarDataMiss {
  if (offset % 2 !== 0) return miss('misaligned');
  if (offset >= varData.length) return miss('outside');
  return decodeUtf16z(varData, offset, varData.length) ?? miss('unterminated');
}

/** `size` bytes at a DWORD-aligned offset, all inside VarData (copied out). */
export function blobAt(varData: Uint8Array, offset: number, size: number): Uint8Array | VarDataMiss {
  if (offset % 4 !== 0) return miss('misaligned');
  if (offset > varData.length) return miss('outside');
  // Plain numbers: offset + size cannot wrap the way a 32-bit sum would.
  if (offset + size > varData.length) return miss('overrun');
  return varData.slice(offset, offset + size);
}

/**
 * A self-sized structure (its first DWORD, dwTotalSize, is its length) at a DWORD-aligned
 * offset inside VarData. Returns the bytes, or a miss: a fault, or `too-small` when dwTotalSize is below
 * the 4 bytes of dwTotalSize itself.
 */
export function sizedStructAt(varData: Uint8Array, offset: number): Uint8Array | VarDataMiss<VarDataFault | 'too-small'> {
  const head = blobAt(varData, offset, 4);
  if (!(head instanceof Uint8Array)) return head;
  const total = readDword(varData, offset);
  if (total < 4) return miss('too-small');
  return blobAt(varData, offset, total);
}
