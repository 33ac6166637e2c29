/** The two Windows ABIs wanemu lays structures out for. */
export type Abi = 'x64' | 'x86';

/** Every ABI, in the order tables print them. */
export const ABIS: readonly Abi[] = ['x64', 'x86'];

/**
 * Which generation of the headers a layout follows where they disagree (see docs/abi.md).
 * - `wdk`: the 64-bit-clean WDK declarations (`ULONG_PTR` event parameters and provider id). The default.
 * - `ddk`: the older DDK, NT4 and mingw-w64 declarations (`ULONG` there). Differs on x64 only.
 */
export type LayoutVariant = 'wdk' | 'ddk';

export const LAYOUT_VARIANTS: readonly LayoutVariant[] = ['wdk', 'ddk'];

/** The default wire ABI and variant: Windows x64 with the WDK declarations. */
export const DEFAULT_ABI: Abi = 'x64';
export const DEFAULT_VARIANT: LayoutVariant = 'wdk';

/**
 * A pointer-sized value. Decoders give a number below 2^53 and a bigint from there up (kernel
 * addresses such as 0xFFFF8000_12345678), so nothing is lost; encoders take either, a number
 * being any whole number up to 2^64 (x64) or 2^32 (x86).
 */
export type Ptr = number | bigint;

/** Bytes taken by a pointer-sized value (ULONG_PTR, handles) on an ABI. */
export function pointerSize(abi: Abi): 4 | 8 {
  return abi === 'x64' ? 8 : 4;
}
