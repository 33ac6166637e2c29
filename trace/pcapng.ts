/*
 * The pcapng facts wanemu's traces use (the pcapng specification, draft-ietf-opsawg-pcapng):
 * every block is type (u32), total length (u32), body padded to 4 bytes, total length again.
 * wanemu writes little-endian files with one section and one interface.
 */

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const VERSION_MAJOR = 1;
export const VERSION_MINOR = 0;

/** IDB option codes. */
export const OPT_END = 0;
export const OPT_COMMENT = 1;
export const OPT_IF_NAME = 2;
export const OPT_IF_TSRESOL = 9;

/** LINKTYPE_USER0: the first of the link types tcpdump.org reserves for private use. */
export const LINKTYPE_WANEMU = 147;

/** Timestamps count nanoseconds: if_tsresol 9 means 10^-9 s. */
export const TSRESOL_NANOSECONDS = 9;

/** Bytes of block type, both lengths: the smallest block. */
export const BLOCK_OVERHEAD = 12;

/** Fixed part of an EPB body: interface id, timestamp high and low, captured and original length. */
export const EPB_FIXED = 20;

export const pad4 = (n: number): number => (n + 3) & ~3;
