import type { Abi, LayoutVariant, RequestKind } from '../oid/index.js';

/**
 * The payload of each enhanced packet block in a wanemu trace: a 32-byte little-endian header
 * followed by the exchange's raw bytes (the information buffer or the status buffer). See
 * docs/trace-format.md.
 *
 *   0  u8   record version (RECORD_VERSION)
 *   1  u8   kind (RECORD_KINDS, 1-based); 6 `remote`: a remote-party action, its data UTF-8 JSON
 *   2  u8   flags: bit 0 direction (0 down, NDISTAPI to miniport; 1 up, miniport to
 *           NDISTAPI/NDISWAN), bit 1 the request's kind (0 query, 1 set) for requests,
 *           returns and completions; other bits 0
 *   3  u8   ABI of the bytes: 0 x64 (WDK layout), 1 x64 (DDK layout), 2 x86
 *   4  u32  sequence number of the exchange
 *   8  u32  OID (request, return, completion) or NDIS_STATUS (indication, indication return)
 *  12  u32  request id (0 for indications)
 *  16  u32  NDIS_STATUS of a return or completion (0 otherwise)
 *  20  u32  bytes used (BytesWritten / BytesRead)
 *  24  u32  bytes needed
 *  28  u32  length of the raw bytes that follow
 */
export const RECORD_VERSION = 1;
export const RECORD_HEADER = 32;

export const RECORD_KINDS = ['request', 'return', 'completion', 'indication', 'indicationReturn', 'remote', 'tapi', 'trpRequest', 'trpReply', 'trpEvent'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Records of the layers above NDISTAPI (TAPI messages, MS-TRP packets): replays skip them. */
export const ABOVE_NDISTAPI: ReadonlySet<RecordKind> = new Set<RecordKind>(['tapi', 'trpRequest', 'trpReply', 'trpEvent']);

/** Kind codes are 1-based, so a zeroed header is never a valid record. */
export function kindCode(kind: RecordKind): number {
  return RECORD_KINDS.indexOf(kind) + 1;
}


/** The sequence number a remote-party record carries: it is not an exchange. */
export const NOT_AN_EXCHANGE = 0xffffffff;

export const ABI_CODES: ReadonlyArray<{ readonly abi: Abi; readonly variant: LayoutVariant }> = [
  { abi: 'x64', variant: 'wdk' },
  { abi: 'x64', variant: 'ddk' },
  { abi: 'x86', variant: 'wdk' },
];

export function abiCode(abi: Abi, variant: LayoutVariant): number {
  return abi === 'x86' ? 2 : variant === 'ddk' ? 1 : 0;
}

/**
 * A record as the reader makes it: the timestamp kept as its two 32-bit halves, so reading a
 * long trace makes no bigints; `timeNs` builds one when asked, `timeMs` gives a number.
 */
export class ReadRecord implements TraceRecord {
  constructor(
    readonly block: number,
    readonly offset: number,
    private readonly tsHigh: number,
    private readonly tsLow: number,
    readonly kind: RecordKind,
    readonly seq: number,
    readonly abi: Abi,
    readonly variant: LayoutVariant,
    readonly code: number,
    readonly requestId: number,
    readonly requestKind: RequestKind | undefined,
    readonly status: number,
    readonly bytesUsed: number,
    readonly bytesNeeded: number,
    readonly data: Uint8Array,
  ) {}

  get timeNs(): bigint {
    return (BigInt(this.tsHigh) << 32n) | BigInt(this.tsLow);
  }

  /** Milliseconds (exact while the nanoseconds stay below 2^53, 104 days). */
  get timeMs(): number {
    return (this.tsHigh * 4294967296 + this.tsLow) / 1e6;
  }
}

/**
 * A record's fields as mutable members, for the readers that fill a record in place again and
 * again instead of making one per block (TraceCursor, ReusableRecord): the timestamp as its two
 * 32-bit halves, as ReadRecord keeps it. Subclasses say where the bytes (`data`) are.
 */
export abstract class RecordFields implements TraceRecord {
  block = 0;
  offset = 0;
  tsHigh = 0;
  tsLow = 0;
  kind: RecordKind = 'request';
  seq = 0;
  abi: Abi = 'x64';
  variant: LayoutVariant = 'wdk';
  code = 0;
  requestId = 0;
  requestKind: RequestKind | undefined = undefined;
  status = 0;
  bytesUsed = 0;
  bytesNeeded = 0;
  abstract readonly data: Uint8Array;

  get timeNs(): bigint {
    return (BigInt(this.tsHigh) << 32n) | BigInt(this.tsLow);
  }

  /** Milliseconds (exact while the nanoseconds stay below 2^53, 104 days). */
  get timeMs(): number {
    return (this.tsHigh * 4294967296 + this.tsLow) / 1e6;
  }

  /** Takes every field but the data from `from`. */
  protected setFields(from: RecordFields): void {
    this.block = from.block;
    this.offset = from.offset;
    this.tsHigh = from.tsHigh;
    this.tsLow = from.tsLow;
    this.kind = from.kind;
    this.seq = from.seq;
    this.abi = from.abi;
    this.variant = from.variant;
    this.code = from.code;
    this.requestId = from.requestId;
    this.requestKind = from.requestKind;
    this.status = from.status;
    this.bytesUsed = from.bytesUsed;
    this.bytesNeeded = from.bytesNeeded;
  }

  /** The record as it is now, with `data` (a copy the caller made) as its bytes: unaffected by refilling this one. */
  protected frozen(data: Uint8Array): ReadRecord {
    return new ReadRecord(
      this.block, this.offset, this.tsHigh, this.tsLow, this.kind, this.seq, this.abi, this.variant, this.code,
      this.requestId, this.requestKind, this.status, this.bytesUsed, this.bytesNeeded, data,
    );
  }
}

/** Views kept per data length by a ReusableRecord, for lengths up to this. */
const CACHED_LENGTHS = 256;

/**
 * A record that is filled again and again (by TraceCursor.copyInto), for readers that recycle
 * their records instead of making one per block: it owns a byte buffer, grown as needed, and its
 * `data` is a view of that buffer's first bytes. Its fields and data change when it is refilled;
 * `copy()` gives a record of its own to keep.
 */
export class ReusableRecord extends RecordFields {
  data: Uint8Array = new Uint8Array(0);
  private store = new Uint8Array(64);
  /** The same bytes as 32-bit words, for copying four at a time. */
  private words = new Int32Array(this.store.buffer);
  private view = new DataView(this.store.buffer);
  /** Views of `store` by length: most records are one of a few lengths, so refilling makes none. */
  private views: Array<Uint8Array | undefined> = [];

  /** Takes `from`'s fields and copies `n` bytes of `bytes` at `start` (`words`: the same buffer as 32-bit words) as its data. */
  fill(from: RecordFields, bytes: Uint8Array, words: Int32Array, start: number, n: number): void {
    this.setFields(from);
    this.copyFrom(bytes, words, start, n);
  }

  /** Makes `data` a view of `n` bytes of the record's own buffer (contents left to the caller) and returns it. */
  resize(n: number): Uint8Array {
    if (n > this.store.length) {
      this.store = new Uint8Array(Math.max((n + 3) & ~3, this.store.length * 2));
      this.words = new Int32Array(this.store.buffer);
      this.view = new DataView(this.store.buffer);
      this.views = [];
    }
    let v = n <= CACHED_LENGTHS ? this.views[n] : undefined;
    if (v === undefined) {
      v = this.store.subarray(0, n);
      if (n <= CACHED_LENGTHS) this.views[n] = v;
    }
    this.data = v;
    return v;
  }

  /**
   * Makes `data` a copy of `n` bytes of `from` at `start`; `fromWords` is `from`'s buffer as
   * 32-bit words (from its start), to copy by words when `start` is a multiple of 4.
   */
  copyFrom(from: Uint8Array, fromWords: Int32Array, start: number, n: number): void {
    const d = this.resize(n);
    if (n > 256) {
      d.set(from.subarray(start, start + n));
      return;
    }
    let i = 0;
    if ((start & 3) === 0 && from.byteOffset === 0) {
      const w = this.words;
      const at = start >> 2;
      const whole = n >> 2;
      for (let k = 0; k < whole; k++) w[k] = fromWords[at + k]!;
      i = whole << 2;
    }
    for (; i < n; i++) d[i] = from[start + i]!;
  }

  /** A DataView over the record's buffer: `data` from its start (the view may run past its end). */
  get dataView(): DataView {
    return this.view;
  }

  /** The record as it is now, with its own copy of the data: unaffected by refilling this one. */
  copy(): ReadRecord {
    return this.frozen(this.data.slice());
  }
}

/** A record's time in milliseconds, without a bigint when the reader made it. */
export function timeMsOf(r: TraceRecord): number {
  return r instanceof ReadRecord || r instanceof RecordFields ? r.timeMs : Number(r.timeNs) / 1e6;
}

/** One record read back from a trace. */
export interface TraceRecord {
  /** Position of its enhanced packet block among the file's blocks (0 = the section header). */
  readonly block: number;
  /** Byte offset of the block in the file. */
  readonly offset: number;
  /** Nanoseconds on the clock the trace was recorded with. */
  readonly timeNs: bigint;
  readonly kind: RecordKind;
  readonly seq: number;
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  /** OID or NDIS_STATUS, as the kind says. */
  readonly code: number;
  readonly requestId: number;
  /** The request's query or set, where the record is about a request. */
  readonly requestKind: RequestKind | undefined;
  readonly status: number;
  readonly bytesUsed: number;
  readonly bytesNeeded: number;
  readonly data: Uint8Array;
}
